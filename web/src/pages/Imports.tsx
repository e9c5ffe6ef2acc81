import { useTranslation } from 'react-i18next';

import { PageTitle } from '../components';

// TODO(issue 5): the Imports page.
export default function Imports() {
  const { t } = useTranslation();
  return <PageTitle>{t('nav.imports')}</PageTitle>;
}
