import { useTranslation } from 'react-i18next';

import { PageTitle } from '../components';

// TODO(issue 5): the Users page.
export default function Users() {
  const { t } = useTranslation();
  return <PageTitle>{t('nav.users')}</PageTitle>;
}
