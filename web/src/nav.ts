// The pages and the permission each needs (the server's table, http/authorization.cpp, decides;
// the app only hides what a role cannot use).
export const PAGES = [
  { key: 'worklist', path: '/worklist', permission: 'worklist.read' },
  { key: 'customers', path: '/customers', permission: 'ledger.read' },
  { key: 'dashboard', path: '/dashboard', permission: 'reports.read' },
  { key: 'reports', path: '/reports', permission: 'reports.read' },
  { key: 'approvals', path: '/approvals', permission: 'approvals.read' },
  { key: 'disputes', path: '/disputes', permission: 'ledger.read' },
  { key: 'actions', path: '/actions', permission: 'worklist.read' },
  { key: 'imports', path: '/imports', permission: 'imports.write' },
  { key: 'policy', path: '/policy', permission: 'policy.read' },
  { key: 'users', path: '/users', permission: 'users.read' },
  { key: 'audit', path: '/audit', permission: 'audit.read' },
] as const;
