import { useTranslation } from 'react-i18next';

import { PageTitle } from '../components';

// TODO(issue 5): the Approvals page.
export default function Approvals() {
  const { t } = useTranslation();
  return <PageTitle>{t('nav.approvals')}</PageTitle>;
}
