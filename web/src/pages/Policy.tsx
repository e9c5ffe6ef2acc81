import { useTranslation } from 'react-i18next';

import { PageTitle } from '../components';

// TODO(issue 5): the Policy page.
export default function Policy() {
  const { t } = useTranslation();
  return <PageTitle>{t('nav.policy')}</PageTitle>;
}
