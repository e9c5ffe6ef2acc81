import { useTranslation } from 'react-i18next';

import { PageTitle } from '../components';

// TODO(issue 5): the Actions page.
export default function Actions() {
  const { t } = useTranslation();
  return <PageTitle>{t('nav.actions')}</PageTitle>;
}
