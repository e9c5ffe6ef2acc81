import { useTranslation } from 'react-i18next';

import { PageTitle } from '../components';

// TODO(issue 5): the Customer page.
export default function Customer() {
  const { t } = useTranslation();
  return <PageTitle>{t('nav.customer')}</PageTitle>;
}
