import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';

import { useAuth } from './auth';
import { Loading } from './components';
import Layout from './Layout';
import { PAGES } from './nav';
import SignIn from './pages/SignIn';

// Each page is its own chunk: the worklist loads without the charts and grids of other pages.
const pages = {
  worklist: lazy(() => import('./pages/Worklist')),
  customers: lazy(() => import('./pages/Customers')),
  customer: lazy(() => import('./pages/Customer')),
  dashboard: lazy(() => import('./pages/Dashboard')),
  reports: lazy(() => import('./pages/Reports')),
  approvals: lazy(() => import('./pages/Approvals')),
  disputes: lazy(() => import('./pages/Disputes')),
  actions: lazy(() => import('./pages/Actions')),
  imports: lazy(() => import('./pages/Imports')),
  policy: lazy(() => import('./pages/Policy')),
  users: lazy(() => import('./pages/Users')),
  audit: lazy(() => import('./pages/Audit')),
};

export default function App() {
  const { user, checking, can } = useAuth();
  if (checking) return <Loading />;
  if (!user) return <SignIn />;
  const home = PAGES.find((p) => can(p.permission))?.path ?? '/customers';
  return (
    <Layout>
      <Suspense fallback={<Loading />}>
        <Routes>
          {PAGES.filter((p) => can(p.permission)).map((p) => {
            const Page = pages[p.key];
            return <Route key={p.key} path={p.path} element={<Page />} />;
          })}
          {can('ledger.read') && <Route path="/customers/:id" element={<pages.customer />} />}
          <Route path="*" element={<Navigate to={home} replace />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}
