import { useTranslation } from 'react-i18next';

import { PageTitle } from '../components';

// TODO(issue 5): the Worklist page.
export default function Worklist() {
  const { t } = useTranslation();
  return <PageTitle>{t('nav.worklist')}</PageTitle>;
}
