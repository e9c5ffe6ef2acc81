import { useTranslation } from 'react-i18next';

import { PageTitle } from '../components';

// TODO(issue 5): the Disputes page.
export default function Disputes() {
  const { t } = useTranslation();
  return <PageTitle>{t('nav.disputes')}</PageTitle>;
}
