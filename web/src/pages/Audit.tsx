import { useTranslation } from 'react-i18next';

import { PageTitle } from '../components';

// TODO(issue 5): the Audit page.
export default function Audit() {
  const { t } = useTranslation();
  return <PageTitle>{t('nav.audit')}</PageTitle>;
}
