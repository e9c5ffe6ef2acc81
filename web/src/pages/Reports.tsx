import { useTranslation } from 'react-i18next';

import { PageTitle } from '../components';

// TODO(issue 5): the Reports page.
export default function Reports() {
  const { t } = useTranslation();
  return <PageTitle>{t('nav.reports')}</PageTitle>;
}
