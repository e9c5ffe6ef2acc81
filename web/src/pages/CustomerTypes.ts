// The shapes of GET /api/v1/customers/{id} (the 360° view), as the server writes them.

export type Delivery = {
  id: string;
  contract_id: string | null;
  delivery_date: string;
  received_date: string;
  received_by: string;
  reference: string;
};

export type Settlement = { type: string; id: string; amount: string; date: string };

export type ChainInvoice = {
  id: string;
  date: string;
  currency: string;
  amount: string;
  due_date: string;
  reference: string;
  deliveries: Delivery[];
  settled_by: Settlement[];
};

export type Contract = {
  contract_id: string | null;
  invoices: ChainInvoice[];
  credit_notes: { id: string; date: string; currency: string; amount: string }[];
  deliveries_not_invoiced: Delivery[];
};

export type OpenInvoice = {
  id: string;
  invoice_date: string;
  due_date: string;
  currency: string;
  amount: string;
  open_amount: string;
  disputed: string;
  days_overdue: number;
  contract_id: string | null;
};

export type Payment = {
  id: string;
  payment_date: string;
  currency: string;
  amount: string;
  allocated: string;
  unapplied: string;
  reference: string;
  allocations: { invoice_id: string; amount: string; date: string }[];
};

/** The outcomes of a contact (call, visit, …) the server accepts. */
export const CONTACT_OUTCOMES = [
  'reached',
  'no_answer',
  'busy',
  'left_message',
  'wrong_number',
  'promise_to_pay',
  'refused',
  'disputed',
  'callback',
  'paid',
] as const;

export type Contact = {
  id: number;
  channel: string;
  at: string;
  outcome: string;
  note: string;
  recorded_by: string;
};

export type PromiseToPay = {
  id: number;
  amount: string;
  currency: string;
  promised_date: string;
  invoice_ids: string[];
  status: string;
  created_at: string;
  recorded_by: string;
};

export type DisputeSla = 'open' | 'overdue' | 'answered_in_time' | 'answered_late';

/** A dispute, as GET /api/v1/disputes and the 360° view write it. */
export type Dispute = {
  id: number;
  invoice_id: string;
  customer_id: string;
  amount: string;
  currency: string;
  reason: string;
  note: string;
  status: 'open' | 'resolved';
  opened_at: string;
  respond_by: string;
  sla: DisputeSla;
  resolved_at: string | null;
  resolution: string | null;
  recorded_by: string;
};

export type PaymentPlan = {
  id: number;
  status: string;
  currency: string;
  total: string;
  invoice_ids: string[];
  installments: { due_date: string; amount: string }[];
  note: string;
  created_at: string;
  recorded_by: string;
};

export type PlannedAction = {
  id: number;
  kind: string;
  level: number;
  channel: string;
  planned_for: string;
  scheduled_at: string;
  status: 'planned' | 'done' | 'skipped' | 'cancelled';
  amount: string;
  currency: string;
  template: string;
  assigned_to: string;
  rule: string;
  outcome: string;
  invoice_ids: string[];
};

/** A planned action as GET /api/v1/actions writes it: the 360° view's, with its customer. */
export type Action = PlannedAction & { customer_id: string };

export type Activity = {
  id: number;
  at: string;
  actor: string;
  role: string;
  entity: string;
  key: string;
  field: string;
  old_value: string;
  new_value: string;
  request_id: string;
};

export type AgingRow = { currency: string; open: string; unapplied: string; net: string } & Record<
  string,
  string
>;

export type Customer360 = {
  as_of: string;
  customer: {
    id: string;
    name: string;
    currency: string | null;
    payment_terms_days: number;
    credit_limit: string | null;
    credit_grade: string;
    industry: string;
    region: string;
    type: string;
    importance: string;
    collector: string;
    email: string;
    phone: string;
    timezone: string;
    language: string;
    country: string;
    do_not_contact: boolean;
    blacklisted: boolean;
    variant: string;
  };
  classification: {
    credit_grade: string;
    overdue_grade: string;
    stage: string;
    oldest_overdue_days: number;
  };
  aging: { buckets: string[]; currencies: AgingRow[] };
  open_invoices: OpenInvoice[];
  documents: Contract[];
  payments: Payment[];
  contacts: Contact[];
  promises: PromiseToPay[];
  disputes: Dispute[];
  payment_plans: PaymentPlan[];
  actions: PlannedAction[];
  activity: Activity[];
};

/** The labels of contact and action outcomes, one wording for every page that shows or records
 * them (each page puts the table in its own strings). */
export const OUTCOME_LABELS = {
  'zh-CN': {
    reached: '已联系上',
    no_answer: '无人接听',
    busy: '占线',
    left_message: '已留言',
    wrong_number: '号码错误',
    promise_to_pay: '承诺付款',
    refused: '拒绝付款',
    disputed: '提出争议',
    callback: '约定回电',
    paid: '称已付款',
    sent: '已发送',
    done: '已完成',
    returned: '被退回',
    reviewed: '已审核',
    escalated: '已转诉讼',
    not_escalated: '暂不起诉',
  },
  en: {
    reached: 'Reached',
    no_answer: 'No answer',
    busy: 'Busy',
    left_message: 'Left a message',
    wrong_number: 'Wrong number',
    promise_to_pay: 'Promised to pay',
    refused: 'Refused to pay',
    disputed: 'Raised a dispute',
    callback: 'Call back',
    paid: 'Says it has paid',
    sent: 'Sent',
    done: 'Done',
    returned: 'Returned',
    reviewed: 'Reviewed',
    escalated: 'Escalated to litigation',
    not_escalated: 'Not escalated',
  },
};
