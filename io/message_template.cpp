#include "io/message_template.h"

#include <fmt/format.h>

#include <algorithm>
#include <kainjow/mustache.hpp>
#include <set>

#include "core/money.h"

namespace huikuan {
namespace {

namespace mu = kainjow::mustache;

// Amounts in letters: "1,234,567.80" (thousands grouped; the minor digits as the currency has).
std::string grouped(int64_t minor, int digits) {
  const std::string plain = format_minor_units(minor, digits);
  const bool negative = !plain.empty() && plain[0] == '-';
  const size_t point = plain.find('.');
  const size_t int_begin = negative ? 1 : 0;
  const size_t int_end = point == std::string::npos ? plain.size() : point;
  std::string out = negative ? "-" : "";
  for (size_t i = int_begin; i < int_end; ++i) {
    if (i > int_begin && (int_end - i) % 3 == 0) out += ',';
    out += plain[i];
  }
  return out + plain.substr(int_end);
}

// Wording no collection message may use (DOMAIN §6: no threatening or false wording). A
// template that contains one is refused when it is saved, whoever edits it.
constexpr std::string_view kForbiddenWording[] = {
    "后果自负", "曝光",   "通知亲友", "通知家人", "坐牢",      "拘留",        "黑社会", "上门讨债",
    "jail",     "arrest", "criminal", "prison",   "shame you", "your family", "police", "报警抓"};

// The data a template sees. With `sample`, every value is a placeholder and `full` chooses
// whether lists have an item and flags are true (validation renders both ways, so names inside
// {{#…}} and {{^…}} sections are all looked up).
mu::data template_data(const LetterFacts& f) {
  auto money = [&](int64_t minor) { return grouped(minor, f.currency_digits); };
  auto date = [&](Date d) { return format_letter_date(d, f.language); };
  mu::data company = mu::object{{"name", f.company.name},
                                {"address", f.company.address},
                                {"phone", f.company.phone},
                                {"email", f.company.email},
                                {"bank_name", f.company.bank_name},
                                {"bank_account", f.company.bank_account},
                                {"contact_person", f.company.contact_person}};
  mu::data customer = mu::object{{"id", f.customer_id},
                                 {"name", f.customer_name},
                                 {"email", f.customer_email},
                                 {"phone", f.customer_phone}};
  mu::data invoices{mu::data::type::list};
  int64_t total_amount = 0, total_open = 0, total_interest = 0;
  int32_t max_days = 0;
  for (const LetterInvoice& i : f.invoices) {
    mu::data row = mu::object{{"number", i.number},
                              {"invoice_date", date(i.invoice_date)},
                              {"due_date", date(i.due_date)},
                              {"amount", money(i.amount)},
                              {"open", money(i.open)},
                              {"days_overdue", std::to_string(i.days_overdue)},
                              {"interest", money(i.interest)},
                              {"contract", i.contract},
                              {"limitation_deadline", date(i.limitation_deadline)}};
    row.set("overdue",
            mu::data(i.days_overdue > 0 ? mu::data::type::bool_true : mu::data::type::bool_false));
    invoices.push_back(row);
    total_amount += i.amount;
    total_open += i.open;
    total_interest += i.interest;
    max_days = std::max(max_days, i.days_overdue);
  }
  mu::data d = mu::object{{"date", date(f.date)},
                          {"date_iso", f.date.to_string()},
                          {"reference", f.reference},
                          {"level", std::to_string(f.level)},
                          {"currency", f.currency},
                          {"kind", f.kind},
                          {"rule", f.rule},
                          {"collector", f.collector},
                          {"deadline", date(f.deadline)},
                          {"deadline_iso", f.deadline.to_string()},
                          {"max_days_overdue", std::to_string(max_days)},
                          {"invoice_count", std::to_string(f.invoices.size())},
                          {"total_amount", money(total_amount)},
                          {"total_open", money(total_open)},
                          {"total_interest", money(total_interest)},
                          {"total_due", money(total_open + total_interest)},
                          {"language", f.language}};
  d.set("has_interest",
        mu::data(total_interest > 0 ? mu::data::type::bool_true : mu::data::type::bool_false));
  d.set("company", company);
  d.set("customer", customer);
  d.set("invoices", invoices);
  return d;
}

LetterFacts sample_facts(bool full) {
  LetterFacts f;
  f.date = Date(20000);
  f.deadline = Date(20010);
  if (full) {
    LetterInvoice invoice;
    invoice.days_overdue = 5;
    invoice.interest = 1;
    f.invoices.push_back(invoice);
  }
  return f;
}

// A context that remembers every name the template asked for and the data did not have.
class RecordingContext : public mu::context<std::string> {
 public:
  explicit RecordingContext(const mu::data* data) : mu::context<std::string>(data) {}
  const mu::data* get(const std::string& name) const override {
    const mu::data* found = mu::context<std::string>::get(name);
    if (found == nullptr) unknown.insert(name);
    return found;
  }
  const mu::data* get_partial(const std::string& name) const override {
    unknown.insert(">" + name);
    return nullptr;
  }
  mutable std::set<std::string> unknown;
};

std::string render_part(const std::string& text, const mu::data& data) {
  mu::mustache tmpl(text);
  tmpl.set_custom_escape([](const std::string& value) {
    std::string out;
    for (char c : value) {
      if (c == '|')
        out += "｜";
      else
        out += c;
    }
    return out;
  });
  return tmpl.render(data);
}

// Line number (1-based) of byte `offset` in `text`.
size_t line_of(std::string_view text, size_t offset) {
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
}

}  // namespace

Result<MessageTemplate> MessageTemplate::parse(std::string_view text, const std::string& source) {
  MessageTemplate out;
  out.text_ = std::string(text);
  std::string_view body = text;
  size_t body_line = 1;
  if (body.starts_with("Subject:")) {
    const size_t end = body.find('\n');
    out.subject_ = std::string(body.substr(8, end == std::string_view::npos ? end : end - 8));
    while (!out.subject_.empty() && (out.subject_.front() == ' ')) out.subject_.erase(0, 1);
    while (!out.subject_.empty() && (out.subject_.back() == '\r' || out.subject_.back() == ' '))
      out.subject_.pop_back();
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
    body_line = 2;
    if (body.starts_with("\n")) {
      body.remove_prefix(1);
      body_line = 3;
    } else if (body.starts_with("\r\n")) {
      body.remove_prefix(2);
      body_line = 3;
    }
  }
  out.body_ = std::string(body);

  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view word : kForbiddenWording) {
    if (size_t at = lower.find(word); at != std::string::npos) {
      return tl::unexpected(
          Error{fmt::format("\"{}\" is threatening or false wording, which collection messages "
                            "must never use (DOMAIN §6)",
                            word),
                "text", fmt::format("{}:{}", source, line_of(text, at))});
    }
  }
  for (const auto& [part, first_line] :
       {std::pair{&out.subject_, size_t{1}}, std::pair{&out.body_, body_line}}) {
    mu::mustache tmpl(*part);
    if (!tmpl.is_valid()) {
      return tl::unexpected(Error{tmpl.error_message(), part == &out.subject_ ? "subject" : "body",
                                  fmt::format("{}:{}", source, first_line)});
    }
    for (bool full : {true, false}) {
      const mu::data sample = template_data(sample_facts(full));
      RecordingContext context(&sample);
      tmpl.render(context);
      if (!context.unknown.empty()) {
        const std::string& name = *context.unknown.begin();
        const std::string tag = name.starts_with('>') ? name : "{{" + name;
        const size_t at = part->find(name.starts_with('>') ? "{{" + name : tag);
        return tl::unexpected(Error{
            name.starts_with('>') ? "partials are not supported"
                                  : "unknown variable; see the list in docs/templates.md",
            name,
            fmt::format("{}:{}", source,
                        first_line + (at == std::string::npos ? 0 : line_of(*part, at) - 1))});
      }
    }
  }
  return out;
}

RenderedMessage MessageTemplate::render(const LetterFacts& facts) const {
  const mu::data data = template_data(facts);
  RenderedMessage out;
  out.subject = render_part(subject_, data);
  out.body = render_part(body_, data);
  return out;
}

std::string format_letter_date(Date day, std::string_view language) {
  const auto ymd = day.ymd();
  const int year = static_cast<int>(ymd.year());
  const unsigned month = static_cast<unsigned>(ymd.month());
  const unsigned d = static_cast<unsigned>(ymd.day());
  if (language == "en") {
    static constexpr std::string_view kMonths[] = {"January",   "February", "March",    "April",
                                                   "May",       "June",     "July",     "August",
                                                   "September", "October",  "November", "December"};
    return fmt::format("{} {} {}", d, kMonths[month - 1], year);
  }
  return fmt::format("{}年{}月{}日", year, month, d);
}

std::string message_language(std::string_view customer_language, std::string_view country) {
  auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  if (customer_language.size() >= 2) {
    const bool chinese = lower(customer_language[0]) == 'z' && lower(customer_language[1]) == 'h';
    return chinese ? "zh-CN" : "en";
  }
  return country.empty() || country == "CN" ? "zh-CN" : "en";
}

}  // namespace huikuan
