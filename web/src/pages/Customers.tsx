import { useTranslation } from 'react-i18next';

import { PageTitle } from '../components';

// TODO(issue 5): the Customers page.
export default function Customers() {
  const { t } = useTranslation();
  return <PageTitle>{t('nav.customers')}</PageTitle>;
}
