import { useTranslation } from 'react-i18next';

import { PageTitle } from '../components';

// TODO(issue 5): the Dashboard page.
export default function Dashboard() {
  const { t } = useTranslation();
  return <PageTitle>{t('nav.dashboard')}</PageTitle>;
}
