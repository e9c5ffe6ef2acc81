#include "io/ledger_generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "core/currency.h"
#include "core/money.h"

namespace huikuan {
namespace {

using std::string_view;

// ------------------------------------------------------------------------------------------
// Integer draws. std::mt19937_64's output is fixed by the standard, the std:: distributions'
// are not, and the files must be byte-identical on every standard library. For the same reason
// never draw twice in one expression: compilers order function arguments and operands differently.

class Dice {
 public:
  explicit Dice(uint64_t seed) : engine_(seed) {}

  //! Uniform in [lo, hi] by multiply-shift; the bias is far below anything observable here.
  int64_t between(int64_t lo, int64_t hi) {
    const auto width = static_cast<unsigned __int128>(hi - lo) + 1;
    return lo + static_cast<int64_t>((width * engine_()) >> 64);
  }

  //! True with probability per_mille / 1000.
  bool chance(int per_mille) { return between(0, 999) < per_mille; }

  //! An index into `weights`, drawn in proportion to them.
  size_t weighted(std::span<const int> weights) {
    int total = 0;
    for (const int weight : weights) total += weight;
    int64_t roll = between(0, total - 1);
    size_t index = 0;
    while (roll >= weights[index]) roll -= weights[index++];
    return index;
  }

  template <class Items>
  const auto& pick(const Items& items) {
    return items[static_cast<size_t>(between(0, static_cast<int64_t>(std::size(items)) - 1))];
  }

 private:
  std::mt19937_64 engine_;
};

// ------------------------------------------------------------------------------------------
// Where customers are: one currency, country, language and naming style per market.

struct Office {
  string_view timezone;
  string_view phone_pattern;  // '#' becomes a random digit
};

struct Market {
  string_view currency;
  string_view country;
  string_view language;
  string_view region;  // overseas only: Chinese customers take their city's region
  string_view email_domain;
  string_view advance_reference;  // memo of a payment on account
  int share_per_mille;
  int64_t cny_rate_num;  // one CNY major unit is num / den major units of `currency`
  int64_t cny_rate_den;
  bool chinese_names;
  std::span<const Office> offices;
  std::span<const string_view> brands;
  std::span<const string_view> legal_forms;
};

constexpr Office kChinaOffices[] = {{"Asia/Shanghai", ""}};  // phone numbers follow the city
constexpr Office kUsOffices[] = {{"America/New_York", "+1-212-555-####"},
                                 {"America/Chicago", "+1-312-555-####"},
                                 {"America/Los_Angeles", "+1-213-555-####"}};
constexpr Office kGermanOffices[] = {{"Europe/Berlin", "+49-30-3#######"},
                                     {"Europe/Berlin", "+49-89-5#######"},
                                     {"Europe/Berlin", "+49-40-4#######"}};
constexpr Office kJapanOffices[] = {{"Asia/Tokyo", "+81-3-5###-####"},
                                    {"Asia/Tokyo", "+81-6-6###-####"}};
constexpr Office kHongKongOffices[] = {{"Asia/Hong_Kong", "+852-2###-####"},
                                       {"Asia/Hong_Kong", "+852-3###-####"}};
constexpr Office kKuwaitOffices[] = {{"Asia/Kuwait", "+965-2###-####"}};

constexpr string_view kUsBrands[] = {"Acme",      "Pacific",  "Summit",  "Liberty",
                                     "Atlas",     "Keystone", "Granite", "Pioneer",
                                     "Evergreen", "Sterling", "Harbor",  "Frontier"};
constexpr string_view kGermanBrands[] = {"Nordic", "Rhein", "Alpen",  "Hansa", "Weser",   "Isar",
                                         "Elbe",   "Mosel", "Taunus", "Spree", "Bavaria", "Nord"};
constexpr string_view kJapanBrands[] = {"Sakura", "Fuji",   "Yamato", "Hikari",  "Tokai", "Kansai",
                                        "Hokuto", "Midori", "Aoba",   "Tsubasa", "Kaze",  "Minato"};
constexpr string_view kHongKongBrands[] = {"Harbour", "Victoria", "Pearl",  "Kowloon",
                                           "Golden",  "Jade",     "Peak",   "Orient",
                                           "Dragon",  "Bauhinia", "Lantau", "Silvermine"};
constexpr string_view kKuwaitBrands[] = {"Gulf",     "Al-Safat", "Al-Noor",  "Arabian",
                                         "Desert",   "Al-Bahar", "Salmiya",  "Fahaheel",
                                         "Al-Rawda", "Sadu",     "Al-Jahra", "Failaka"};

constexpr string_view kUsLegalForms[] = {"LLC", "Inc.", "Corp."};
constexpr string_view kGermanLegalForms[] = {"GmbH", "AG", "GmbH & Co. KG"};
constexpr string_view kJapanLegalForms[] = {"Co., Ltd.", "K.K.", "Corporation"};
constexpr string_view kHongKongLegalForms[] = {"Limited", "Co., Limited", "Holdings Limited"};
constexpr string_view kKuwaitLegalForms[] = {"W.L.L.", "K.S.C.C.", "General Trading Co."};

constexpr Market kMarkets[] = {
    {"CNY", "CN", "zh-CN", "", "", "预付款", 800, 1, 1, true, kChinaOffices, {}, {}},
    {"USD", "US", "en", "North America", ".com", "Advance payment", 80, 10, 72, false, kUsOffices,
     kUsBrands, kUsLegalForms},
    {"EUR", "DE", "en", "Europe", ".de", "Advance payment", 50, 10, 78, false, kGermanOffices,
     kGermanBrands, kGermanLegalForms},
    {"JPY", "JP", "en", "Japan", ".co.jp", "Advance payment", 30, 21, 1, false, kJapanOffices,
     kJapanBrands, kJapanLegalForms},
    {"HKD", "HK", "en", "Hong Kong", ".com.hk", "Advance payment", 30, 108, 100, false,
     kHongKongOffices, kHongKongBrands, kHongKongLegalForms},
    {"KWD", "KW", "en", "Middle East", ".com.kw", "Advance payment", 10, 43, 1000, false,
     kKuwaitOffices, kKuwaitBrands, kKuwaitLegalForms},
};

constexpr auto kMarketShares = [] {
  std::array<int, std::size(kMarkets)> shares{};
  for (size_t i = 0; i < shares.size(); ++i) shares[i] = kMarkets[i].share_per_mille;
  return shares;
}();

// ------------------------------------------------------------------------------------------
// Names: "上海华信贸易有限公司" (city + two-character brand + trade + legal form) and
// "Nordic Steel GmbH".

struct City {
  string_view name;
  string_view region;
  string_view pinyin;
  string_view area_code;
};

constexpr City kCities[] = {
    {"上海", "华东", "sh", "21"},  {"杭州", "华东", "hz", "571"},    {"苏州", "华东", "suz", "512"},
    {"南京", "华东", "nj", "25"},  {"宁波", "华东", "nb", "574"},    {"青岛", "华东", "qd", "532"},
    {"合肥", "华东", "hf", "551"}, {"厦门", "华东", "xm", "592"},    {"北京", "华北", "bj", "10"},
    {"天津", "华北", "tj", "22"},  {"石家庄", "华北", "sjz", "311"}, {"深圳", "华南", "sz", "755"},
    {"广州", "华南", "gz", "20"},  {"东莞", "华南", "dg", "769"},    {"成都", "西南", "cd", "28"},
    {"重庆", "西南", "cq", "23"},  {"昆明", "西南", "km", "871"},    {"武汉", "华中", "wh", "27"},
    {"长沙", "华中", "cs", "731"}, {"郑州", "华中", "zz", "371"},    {"沈阳", "东北", "sy", "24"},
    {"大连", "东北", "dl", "411"}, {"哈尔滨", "东北", "hrb", "451"}, {"西安", "西北", "xa", "29"},
    {"兰州", "西北", "lz", "931"},
};

struct BrandCharacter {
  string_view hanzi;
  string_view pinyin;
};

constexpr BrandCharacter kBrandCharacters[] = {
    {"华", "hua"},   {"信", "xin"},    {"恒", "heng"},  {"泰", "tai"},   {"鑫", "xin"},
    {"盛", "sheng"}, {"达", "da"},     {"丰", "feng"},  {"宏", "hong"},  {"远", "yuan"},
    {"联", "lian"},  {"创", "chuang"}, {"金", "jin"},   {"瑞", "rui"},   {"通", "tong"},
    {"德", "de"},    {"安", "an"},     {"诚", "cheng"}, {"永", "yong"},  {"嘉", "jia"},
    {"博", "bo"},    {"新", "xin"},    {"合", "he"},    {"众", "zhong"}, {"亿", "yi"},
    {"隆", "long"},  {"兴", "xing"},   {"和", "he"},    {"昌", "chang"}, {"源", "yuan"},
    {"汇", "hui"},   {"中", "zhong"},  {"天", "tian"},  {"立", "li"},    {"富", "fu"},
    {"海", "hai"},   {"光", "guang"},  {"明", "ming"},  {"星", "xing"},  {"航", "hang"},
};

// Industry values are Chinese for every customer so that reports group them as one.
struct Industry {
  string_view name;
  std::array<string_view, 2> chinese_trades;
  std::array<string_view, 2> latin_trades;
};

constexpr Industry kIndustries[] = {
    {"制造业", {"机械制造", "精密制造"}, {"Machinery", "Precision"}},
    {"零售", {"商贸", "百货"}, {"Retail", "Stores"}},
    {"建筑", {"建设工程", "建筑工程"}, {"Construction", "Builders"}},
    {"信息技术", {"信息技术", "软件"}, {"Systems", "Software"}},
    {"物流", {"物流", "供应链管理"}, {"Logistics", "Freight"}},
    {"批发贸易", {"贸易", "进出口"}, {"Trading", "Trade"}},
    {"医药", {"医药", "生物科技"}, {"Pharma", "Life Sciences"}},
    {"能源", {"能源", "新能源科技"}, {"Energy", "Power"}},
    {"食品", {"食品", "食品饮料"}, {"Foods", "Food"}},
    {"钢铁", {"钢铁", "金属材料"}, {"Steel", "Metals"}},
    {"汽车零部件", {"汽车零部件", "汽车配件"}, {"Automotive", "Auto Parts"}},
};

constexpr string_view kLatinQualifiers[] = {"International", "Global", "Group", "Industries"};
constexpr string_view kChineseMailboxes[] = {"caiwu", "finance", "cw"};
constexpr string_view kLatinMailboxes[] = {"ap", "accounts", "finance", "billing"};
constexpr string_view kChineseMobilePrefixes[] = {"+86-139", "+86-138", "+86-186", "+86-158",
                                                  "+86-177"};

constexpr string_view kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                     "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗"};
constexpr string_view kGivenNameCharacters[] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玲", "红", "鹏", "飞", "婷", "欣", "浩"};
constexpr string_view kFirstNames[] = {
    "Anna",  "John",  "Maria", "David", "Laura",  "Michael", "Sophie", "Daniel", "Emma", "Thomas",
    "Julia", "Peter", "Sarah", "Lukas", "Olivia", "James",   "Hannah", "Kenji",  "Yuki", "Omar"};
constexpr string_view kLastNames[] = {"Schmidt", "Miller",  "Smith",  "Johnson", "Brown",
                                      "Weber",   "Fischer", "Tanaka", "Sato",    "Wong",
                                      "Chan",    "Garcia",  "Wilson", "Becker",  "Davis",
                                      "Clark",   "Lewis",   "Walker", "Hall",    "Young"};

// Collector names. The given name (last name) is offset by the surname (first name) so that a
// small team does not all share one.

//! "王伟", then "王伟芳": distinct for the first 18,600 indexes.
std::string chinese_person_name(size_t index) {
  const size_t surnames = std::size(kSurnames);
  const size_t given = std::size(kGivenNameCharacters);
  const size_t surname = index % surnames;
  const size_t offset = 7 * surname;
  std::string name(kSurnames[surname]);
  size_t rest = index / surnames;
  if (rest < given) return name.append(kGivenNameCharacters[(rest + offset) % given]);
  rest -= given;
  name.append(kGivenNameCharacters[(rest + offset) % given]);
  return name.append(kGivenNameCharacters[rest / given % given]);
}

//! "Anna Schmidt", then "Anna B. Schmidt": distinct for the first 10,800 indexes.
std::string latin_person_name(size_t index) {
  const size_t firsts = std::size(kFirstNames);
  const size_t lasts = std::size(kLastNames);
  const size_t first = index % firsts;
  std::string name(kFirstNames[first]);
  name += ' ';
  if (const size_t initial = index / (firsts * lasts) % 27; initial > 0) {
    name += static_cast<char>('A' + initial - 1);
    name += ". ";
  }
  return name.append(kLastNames[(index / firsts + 7 * first) % lasts]);
}

// ------------------------------------------------------------------------------------------
// Payment behaviour. Ratings, customer types and habits follow the segment, so that the
// credit grade and the type tell a collector something true about the customer.

enum class Segment : uint8_t { kPrompt, kSlow, kChronic, kDefaulted };
constexpr int kSegmentShares[] = {450, 300, 170, 80};  // by Segment

constexpr string_view kGrades[] = {"AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D"};
constexpr string_view kCustomerTypes[] = {"core", "growth", "general", "problem", "temporary"};
constexpr size_t kCoreType = 0;
constexpr size_t kTemporaryType = 4;

struct SegmentRating {
  size_t first_grade;  // the segment is rated with five consecutive grades from this one
  std::array<int, 5> grade_weights;
  std::array<int, 5> type_weights;  // over kCustomerTypes
};

constexpr SegmentRating kRatings[] = {
    // by Segment
    {0, {15, 25, 30, 20, 10}, {20, 25, 45, 0, 10}},
    {2, {10, 30, 30, 20, 10}, {10, 25, 50, 5, 10}},
    {4, {10, 30, 30, 20, 10}, {5, 15, 45, 25, 10}},
    {5, {5, 15, 25, 25, 30}, {0, 10, 35, 45, 10}},
};

//! How a segment settles an invoice.
struct PaymentHabit {
  int min_days_late;  // negative: pays before the due date
  int max_days_late;
  int never_per_mille;    // the invoice is never paid (dispute, insolvency)
  int partial_per_mille;  // only part is paid at first…
  int min_part_per_mille;
  int max_part_per_mille;
  int rest_never_per_mille;  // …and the rest never
};

constexpr PaymentHabit kHabits[] = {
    // by Segment
    // Prompt payers sometimes lose bank charges: a sliver stays open for good.
    {-10, 0, 10, 20, 990, 999, 1000},
    {10, 60, 15, 120, 400, 900, 100},
    {60, 200, 30, 450, 200, 700, 200},
    {15, 120, 50, 300, 300, 800, 300},
};

constexpr int kTermsDays[] = {15, 30, 45, 60, 90};
constexpr int kTermsWeights[] = {15, 35, 15, 25, 10};
constexpr int kSizePerMille[] = {500, 1500, 2500};  // invoice volume relative to the average
constexpr int kSizeWeights[] = {60, 30, 10};        // weighted mean 1000

constexpr int64_t kPow10[] = {1, 10, 100, 1'000, 10'000, 100'000, 1'000'000, 10'000'000};
// 1000 × 10^(i/20): amounts are drawn in twentieths of a decade.
constexpr int64_t kDecadeSteps[] = {1000, 1122, 1259, 1413, 1585, 1778, 1995, 2239, 2512, 2818,
                                    3162, 3548, 3981, 4467, 5012, 5623, 6310, 7079, 7943, 8913};

constexpr int kMaxInvoicesPerPayment = 6;
constexpr int kPaymentRunDays = 20;  // a paying customer's run gathers invoices this far apart
constexpr int kUnappliedDays = 10;   // payments this recent may still await cash application

// ------------------------------------------------------------------------------------------
// Output.

// Writes prefix + number zero-padded to `width` digits ("INV00000012") at `out`; returns the end.
char* write_id(char* out, string_view prefix, int width, int64_t number) {
  char digits[20];
  const char* end = std::to_chars(digits, digits + sizeof digits, number).ptr;
  out = std::copy(prefix.begin(), prefix.end(), out);
  out = std::fill_n(out, std::max<ptrdiff_t>(0, width - (end - digits)), '0');
  return std::copy<const char*>(digits, end, out);
}

void append_id(std::string& out, string_view prefix, int width, int64_t number) {
  char id[48];
  out.append(id, write_id(id, prefix, width, number));
}

// Rows are built in a large buffer written in blocks; the first failure is kept for close().
class CsvFile {
 public:
  static Result<CsvFile> create(const std::filesystem::path& path, string_view header) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) {
      return fail(fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
    }
    CsvFile csv(path.string(), file);
    csv.append(header);
    csv.end_row();
    return csv;
  }

  //! Appends a field, quoted per RFC 4180 when it holds a comma, quote or line break.
  void add(string_view text) {
    const auto special = [](char ch) { return ch == ',' || ch == '"' || ch == '\r' || ch == '\n'; };
    if (std::none_of(text.begin(), text.end(), special)) return add_token(text);
    if (!at_row_start_) append(",");
    at_row_start_ = false;
    char* out = room(2 * text.size() + 2);
    *out++ = '"';
    for (const char ch : text) {
      if (ch == '"') *out++ = '"';
      *out++ = ch;
    }
    *out++ = '"';
    used_ = static_cast<size_t>(out - buffer_.get());
  }

  //! Appends a machine-formatted field (id, date, amount, code) that never needs quotes.
  void add_token(string_view token) {
    if (!at_row_start_) append(",");
    at_row_start_ = false;
    append(token);
  }

  void add_number(int64_t number) {
    char digits[20];
    add_token({digits, static_cast<size_t>(
                           std::to_chars(digits, digits + sizeof digits, number).ptr - digits)});
  }

  void add_id(string_view prefix, int width, int64_t number) {
    char id[48];
    add_token({id, static_cast<size_t>(write_id(id, prefix, width, number) - id)});
  }

  void end_row() {
    append("\n");
    at_row_start_ = true;
  }

  bool ok() const { return error_.empty(); }

  Result<void> close() {
    write_buffer();
    if (std::fclose(file_.release()) != 0 && ok()) error_ = describe_failure();
    if (!ok()) return fail(error_);
    return {};
  }

 private:
  static constexpr size_t kCapacity = 4 << 20;

  CsvFile(std::string path, std::FILE* file)
      : path_(std::move(path)), file_(file, &std::fclose), buffer_(new char[kCapacity]) {}

  // Where `size` more bytes can be written.
  char* room(size_t size) {
    if (kCapacity - used_ < size) write_buffer();
    if (size > kCapacity) throw std::length_error("a CSV field is larger than the write buffer");
    return buffer_.get() + used_;
  }

  void append(string_view bytes) {
    used_ = static_cast<size_t>(std::copy(bytes.begin(), bytes.end(), room(bytes.size())) -
                                buffer_.get());
  }

  void write_buffer() {
    if (ok() && std::fwrite(buffer_.get(), 1, used_, file_.get()) != used_) {
      error_ = describe_failure();
    }
    used_ = 0;
  }

  std::string describe_failure() const {
    return fmt::format("cannot write {}: {}", path_, std::strerror(errno));
  }

  std::string path_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  std::unique_ptr<char[]> buffer_;
  size_t used_ = 0;
  bool at_row_start_ = true;
  std::string error_;
};

struct LedgerFiles {
  CsvFile customers;
  CsvFile invoices;
  CsvFile payments;
  CsvFile allocations;
  std::optional<CsvFile> deliveries;

  bool ok() const {
    return customers.ok() && invoices.ok() && payments.ok() && allocations.ok() &&
           (!deliveries || deliveries->ok());
  }
};

Result<LedgerFiles> create_files(const std::filesystem::path& dir, bool deliveries) {
  auto customers = CsvFile::create(
      dir / "customers.csv",
      "customer_id,name,currency,payment_terms_days,credit_limit,credit_grade,industry,region,"
      "customer_type,importance,collector,email,phone,timezone,language,country");
  if (!customers) return tl::unexpected(customers.error());
  auto invoices = CsvFile::create(dir / "invoices.csv",
                                  "invoice_id,customer_id,invoice_date,due_date,currency,amount,"
                                  "doc_type,contract_id,reference");
  if (!invoices) return tl::unexpected(invoices.error());
  auto payments = CsvFile::create(dir / "payments.csv",
                                  "payment_id,customer_id,payment_date,currency,amount,reference");
  if (!payments) return tl::unexpected(payments.error());
  auto allocations =
      CsvFile::create(dir / "allocations.csv", "invoice_id,payment_id,credit_note_id,amount,date");
  if (!allocations) return tl::unexpected(allocations.error());
  LedgerFiles files{std::move(*customers), std::move(*invoices), std::move(*payments),
                    std::move(*allocations), std::nullopt};
  if (deliveries) {
    auto file = CsvFile::create(dir / "deliveries.csv",
                                "delivery_id,customer_id,contract_id,invoice_id,delivery_date,"
                                "received_date");
    if (!file) return tl::unexpected(file.error());
    files.deliveries.emplace(std::move(*file));
  }
  return files;
}

Result<void> close_files(LedgerFiles& files) {
  // Close every file even after a failure, then report the first.
  Result<void> results[] = {files.customers.close(), files.invoices.close(), files.payments.close(),
                            files.allocations.close(),
                            files.deliveries ? files.deliveries->close() : Result<void>{}};
  for (auto& result : results) {
    if (!result) return result;
  }
  return {};
}

// "YYYY-MM-DD" of every day the ledger can mention, formatted once: dates are most of the bytes.
class DateTexts {
 public:
  DateTexts(Date first, Date last) : first_(first) {
    for (Date day = first; day <= last; day = day + 1) texts_.push_back(day.to_string());
  }
  string_view operator()(Date day) const { return texts_.at(static_cast<size_t>(day - first_)); }

 private:
  Date first_;
  std::vector<std::string> texts_;
};

// ------------------------------------------------------------------------------------------
// The ledger, customer by customer.

struct CustomerProfile {
  int64_t number = 0;
  const Market* market = nullptr;
  Currency currency;
  Segment segment = Segment::kPrompt;
  size_t grade = 0;
  size_t type = 0;
  bool high_importance = false;
  int terms_days = 30;
  int size_per_mille = 1000;
  Date active_from;   // first possible invoice date
  Date active_until;  // last possible invoice date
  Date stops_paying;  // nothing is paid after this day
  bool batches_payments = false;
};

struct Identity {
  std::string name;
  std::string email;
  std::string phone;
  string_view region;
  string_view timezone;
};

//! One expected receipt: part or all of an invoice, paid on `date`.
struct Installment {
  Date date;
  uint32_t invoice = 0;  // index into the customer's invoices
  int64_t amount = 0;
};

struct Application {
  uint32_t invoice = 0;
  int64_t amount = 0;
};

class LedgerGenerator {
 public:
  LedgerGenerator(const GeneratorOptions& options, std::span<const Currency> currencies,
                  LedgerFiles& files)
      : options_(options),
        currencies_(currencies),
        files_(files),
        dice_(options.seed),
        window_start_(options.as_of - options.history_days),
        dates_(window_start_, options.as_of + kTermsDays[std::size(kTermsDays) - 1]),
        invoices_hundredths_(std::llround(options.invoices_per_customer * 100)) {
    staff_collectors();
  }

  void add_customer(int64_t number) {
    const CustomerProfile customer = draw_profile(number);
    write_customer(customer);
    issue_documents(customer);
    receive_payments(customer);
    if (dice_.chance(40)) receive_advance(customer);
    ++counts_.customers;
  }

  const GeneratorCounts& counts() const { return counts_; }

 private:
  // About one collector per 120 customers; Latin-named ones work the overseas accounts.
  void staff_collectors() {
    int64_t chinese_share = 0;
    for (const Market& market : kMarkets) {
      if (market.chinese_names) chinese_share += market.share_per_mille;
    }
    const int64_t chinese = std::max<int64_t>(1, options_.customers * chinese_share / 1000 / 120);
    const int64_t latin =
        std::max<int64_t>(1, options_.customers * (1000 - chinese_share) / 1000 / 120);
    for (int64_t i = 0; i < chinese; ++i) chinese_collectors_.push_back(chinese_person_name(i));
    for (int64_t i = 0; i < latin; ++i) latin_collectors_.push_back(latin_person_name(i));
  }

  CustomerProfile draw_profile(int64_t number) {
    CustomerProfile c;
    c.number = number;
    const size_t market = dice_.weighted(kMarketShares);
    c.market = &kMarkets[market];
    c.currency = currencies_[market];
    c.segment = static_cast<Segment>(dice_.weighted(kSegmentShares));
    const SegmentRating& rating = kRatings[static_cast<size_t>(c.segment)];
    c.grade = rating.first_grade + dice_.weighted(rating.grade_weights);
    c.type = dice_.weighted(rating.type_weights);
    c.high_importance = c.type == kCoreType || dice_.chance(200);
    c.terms_days =
        c.type == kTemporaryType ? kTermsDays[0] : kTermsDays[dice_.weighted(kTermsWeights)];
    c.size_per_mille = kSizePerMille[dice_.weighted(kSizeWeights)];
    c.active_from = window_start_;
    c.active_until = options_.as_of;
    c.stops_paying = options_.as_of;
    const int history = options_.history_days;
    if (c.segment == Segment::kDefaulted) {
      // Invoicing goes on for a while after the payments stop, then the account is blocked.
      c.stops_paying =
          window_start_ + static_cast<int32_t>(dice_.between(history / 4, history * 3 / 4));
      c.active_until =
          std::min(options_.as_of, c.stops_paying + static_cast<int32_t>(dice_.between(30, 120)));
    } else if (dice_.chance(150)) {
      c.active_from = window_start_ + static_cast<int32_t>(dice_.between(0, history / 2));
    }
    c.batches_payments = dice_.chance(350);
    return c;
  }

  // ---- customers.csv

  void write_customer(const CustomerProfile& c) {
    const Industry& industry = dice_.pick(kIndustries);
    const Identity identity =
        c.market->chinese_names ? chinese_identity(industry) : latin_identity(*c.market, industry);
    const auto& collectors = c.market->chinese_names ? chinese_collectors_ : latin_collectors_;
    CsvFile& out = files_.customers;
    out.add_id("C", 7, c.number);
    out.add(identity.name);
    out.add(c.currency.code_view());
    out.add_number(c.terms_days);
    out.add(format_minor_units(credit_limit(c), c.currency.minor_digits));
    out.add(kGrades[c.grade]);
    out.add(industry.name);
    out.add(identity.region);
    out.add(kCustomerTypes[c.type]);
    out.add(c.high_importance ? "high" : "low");
    out.add(dice_.pick(collectors));
    out.add(identity.email);
    out.add(identity.phone);
    out.add(identity.timezone);
    out.add(c.market->language);
    out.add(c.market->country);
    out.end_row();
  }

  Identity chinese_identity(const Industry& industry) {
    const City& city = dice_.pick(kCities);
    const size_t count = std::size(kBrandCharacters);
    const size_t first = static_cast<size_t>(dice_.between(0, static_cast<int64_t>(count) - 1));
    const size_t second =
        (first + static_cast<size_t>(dice_.between(1, static_cast<int64_t>(count) - 1))) % count;
    const BrandCharacter& a = kBrandCharacters[first];
    const BrandCharacter& b = kBrandCharacters[second];
    const string_view trade = dice_.pick(industry.chinese_trades);
    const string_view legal_form = dice_.chance(200) ? "股份有限公司" : "有限公司";
    Identity id;
    id.name = fmt::format("{}{}{}{}{}", city.name, a.hanzi, b.hanzi, trade, legal_form);
    id.email = fmt::format("{}@{}{}-{}.com.cn", dice_.pick(kChineseMailboxes), a.pinyin, b.pinyin,
                           city.pinyin);
    if (dice_.chance(500)) {
      id.phone = fmt::format("+86-{}-{}", city.area_code, random_digits("2#######"));
    } else {
      id.phone = dice_.pick(kChineseMobilePrefixes);
      id.phone += random_digits("########");
    }
    id.region = city.region;
    id.timezone = kChinaOffices[0].timezone;
    return id;
  }

  Identity latin_identity(const Market& market, const Industry& industry) {
    const string_view brand = dice_.pick(market.brands);
    const string_view trade = dice_.pick(industry.latin_trades);
    Identity id;
    id.name = fmt::format("{} {}", brand, trade);
    if (dice_.chance(300)) id.name.append(" ").append(dice_.pick(kLatinQualifiers));
    id.name.append(" ").append(dice_.pick(market.legal_forms));
    id.email = fmt::format("{}@{}{}", dice_.pick(kLatinMailboxes), domain_label(brand, trade),
                           market.email_domain);
    const Office& office = dice_.pick(market.offices);
    id.phone = random_digits(office.phone_pattern);
    id.region = market.region;
    id.timezone = office.timezone;
    return id;
  }

  //! "Al-Safat" + "Auto Parts" -> "al-safatautoparts".
  static std::string domain_label(string_view brand, string_view trade) {
    std::string label;
    for (const string_view part : {brand, trade}) {
      for (const char ch : part) {
        if (ch != ' ') label += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
      }
    }
    return label;
  }

  std::string random_digits(string_view pattern) {
    std::string text(pattern);
    for (char& ch : text) {
      if (ch == '#') ch = static_cast<char>('0' + dice_.between(0, 9));
    }
    return text;
  }

  // Larger and better-rated customers get more credit; rounded to thousands of the currency.
  int64_t credit_limit(const CustomerProfile& c) {
    int64_t cny = dice_.between(10, 300) * 10'000 * c.size_per_mille / 1000;
    if (c.grade < 3) cny *= 2;
    if (c.grade >= 6) cny /= 2;
    const int64_t major = std::max<int64_t>(1000, in_currency(c, cny) / 1000 * 1000);
    return major * kPow10[c.currency.minor_digits];
  }

  static int64_t in_currency(const CustomerProfile& c, int64_t cny_major) {
    return std::max<int64_t>(1, cny_major * c.market->cny_rate_num / c.market->cny_rate_den);
  }

  // ---- invoices.csv and the credit notes' allocations

  void issue_documents(const CustomerProfile& c) {
    first_invoice_number_ = counts_.invoices + 1;
    invoice_dates_.clear();
    installments_.clear();
    const int64_t count = draw_invoice_count(c);
    for (int64_t i = 0; i < count; ++i) {
      invoice_dates_.push_back(
          c.active_from + static_cast<int32_t>(dice_.between(0, c.active_until - c.active_from)));
    }
    std::sort(invoice_dates_.begin(), invoice_dates_.end());
    const int64_t contracts = 1 + count / 8;
    for (uint32_t index = 0; index < invoice_dates_.size(); ++index) {
      const Date date = invoice_dates_[index];
      const int64_t number = first_invoice_number_ + index;
      const int64_t contract = dice_.between(1, contracts);
      const int64_t amount = draw_invoice_amount(c);
      write_document(c, "INV", number, date, date + c.terms_days, amount, "invoice", contract);
      files_.invoices.add_id("DN", 8, number);  // the delivery note it bills
      files_.invoices.end_row();
      if (files_.deliveries) write_delivery(c, number, date, contract);
      const int64_t credited =
          dice_.chance(31) ? issue_credit_note(c, number, date, amount, contract) : 0;
      settle(c, index, date, date + c.terms_days, amount - credited);
    }
    counts_.invoices += count;
  }

  int64_t draw_invoice_count(const CustomerProfile& c) {
    // Rounds the fractional average stochastically so that the mean is kept.
    const int64_t mean = invoices_hundredths_ * c.size_per_mille / 1000;
    const int64_t hundredths = dice_.between(0, 2 * mean);
    return (hundredths + dice_.between(0, 99)) / 100;
  }

  // Log-normal-ish: a triangle over 10^3…10^5.3 CNY (peak near 14,000), a few up to 10^7.
  int64_t draw_invoice_amount(const CustomerProfile& c) {
    int64_t step = 60 + dice_.between(0, 23);
    step += dice_.between(0, 23);
    if (dice_.chance(20)) step += dice_.between(10, 36);
    const int64_t cny =
        kPow10[step / 20] * kDecadeSteps[step % 20] * dice_.between(1000, 1121) / 1'000'000;
    const int64_t unit = kPow10[c.currency.minor_digits];
    const int64_t cents = dice_.chance(600) ? dice_.between(0, unit - 1) : 0;
    return in_currency(c, cny) * unit + cents;
  }

  // Every field of a document row but the reference: the caller adds it and ends the row.
  void write_document(const CustomerProfile& c, string_view prefix, int64_t number, Date date,
                      Date due, int64_t amount, string_view doc_type, int64_t contract) {
    CsvFile& out = files_.invoices;
    out.add_id(prefix, 8, number);
    out.add_id("C", 7, c.number);
    out.add_token(dates_(date));
    out.add_token(dates_(due));
    out.add_token(c.currency.code_view());
    out.add_token(format_minor_units(amount, c.currency.minor_digits));
    out.add_token(doc_type);
    std::string contract_id;
    append_id(contract_id, "HT", 7, c.number);
    append_id(contract_id, "-", 2, contract);
    out.add_token(contract_id);
  }

  // The delivery note an invoice bills: shipped up to three days before the invoice, signed
  // for one to three days after. Derived from the number rather than drawn, so that the other
  // files are the same with or without delivery notes.
  void write_delivery(const CustomerProfile& c, int64_t number, Date invoice_date,
                      int64_t contract) {
    CsvFile& out = *files_.deliveries;
    const Date shipped = std::max(window_start_, invoice_date - static_cast<int32_t>(number % 4));
    const Date received = shipped + static_cast<int32_t>(1 + number % 3);
    out.add_id("DN", 8, number);
    out.add_id("C", 7, c.number);
    std::string contract_id;
    append_id(contract_id, "HT", 7, c.number);
    append_id(contract_id, "-", 2, contract);
    out.add_token(contract_id);
    out.add_id("INV", 8, number);
    out.add_token(dates_(shipped));
    out.add_token(received <= options_.as_of ? dates_(received) : string_view());
    out.end_row();
    ++counts_.deliveries;
  }

  // A return or price correction, applied to the invoice it corrects; returns the credited amount.
  int64_t issue_credit_note(const CustomerProfile& c, int64_t invoice_number, Date invoice_date,
                            int64_t invoice_amount, int64_t contract) {
    const Date date = invoice_date + static_cast<int32_t>(dice_.between(3, 45));
    if (date > options_.as_of) return 0;
    const int64_t amount =
        dice_.chance(300) ? invoice_amount
                          : std::max<int64_t>(1, invoice_amount * dice_.between(20, 300) / 1000);
    const int64_t number = ++counts_.credit_notes;
    write_document(c, "CN", number, date, date, amount, "credit_note", contract);
    files_.invoices.add_id("INV", 8, invoice_number);
    files_.invoices.end_row();
    write_allocation(c, invoice_number, 0, number, amount, date);
    return amount;
  }

  // ---- payments.csv and their allocations

  void settle(const CustomerProfile& c, uint32_t invoice, Date invoice_date, Date due,
              int64_t payable) {
    const PaymentHabit& habit = kHabits[static_cast<size_t>(c.segment)];
    if (payable <= 0 || dice_.chance(habit.never_per_mille)) return;
    const Date paid = std::max(invoice_date, due + static_cast<int32_t>(dice_.between(
                                                       habit.min_days_late, habit.max_days_late)));
    if (!dice_.chance(habit.partial_per_mille)) {
      expect(c, invoice, paid, payable);
      return;
    }
    const int64_t part = std::clamp<int64_t>(
        payable * dice_.between(habit.min_part_per_mille, habit.max_part_per_mille) / 1000, 1,
        payable);
    expect(c, invoice, paid, part);
    if (part < payable && !dice_.chance(habit.rest_never_per_mille)) {
      expect(c, invoice, paid + static_cast<int32_t>(dice_.between(15, 150)), payable - part);
    }
  }

  void expect(const CustomerProfile& c, uint32_t invoice, Date date, int64_t amount) {
    if (date > options_.as_of || date > c.stops_paying) return;
    installments_.push_back({date, invoice, amount});
  }

  void receive_payments(const CustomerProfile& c) {
    // Stable: equal dates keep invoice order, so the files do not depend on the sort algorithm.
    std::stable_sort(installments_.begin(), installments_.end(),
                     [](const Installment& a, const Installment& b) { return a.date < b.date; });
    for (size_t first = 0; first < installments_.size();) {
      size_t end = first + 1;
      while (c.batches_payments && end < installments_.size() &&
             end - first < kMaxInvoicesPerPayment &&
             installments_[end].date - installments_[first].date <= kPaymentRunDays) {
        ++end;
      }
      receive_payment(c, std::span(installments_).subspan(first, end - first));
      first = end;
    }
  }

  void receive_payment(const CustomerProfile& c, std::span<const Installment> batch) {
    const Date date = batch.back().date;
    applications_.clear();
    int64_t applied = 0;
    for (const Installment& installment : batch) {
      apply(installment.invoice, installment.amount);
      applied += installment.amount;
    }
    // An overpayment leaves the rest on account.
    const int64_t amount =
        applied +
        (dice_.chance(30) ? std::max<int64_t>(1, applied * dice_.between(5, 200) / 1000) : 0);
    reference_.clear();
    if (!dice_.chance(100)) {
      for (size_t i = 0; i < applications_.size() && i < 3; ++i) {
        if (i > 0) reference_ += ' ';
        append_id(reference_, "INV", 8, first_invoice_number_ + applications_[i].invoice);
      }
    }
    const int64_t number = write_payment(c, date, amount, reference_);
    if (date > options_.as_of - kUnappliedDays && dice_.chance(300)) return;  // not applied yet
    const Date applied_on = std::min(
        options_.as_of, date + static_cast<int32_t>(dice_.chance(100) ? dice_.between(1, 5) : 0));
    for (const Application& application : applications_) {
      write_allocation(c, first_invoice_number_ + application.invoice, number, 0,
                       application.amount, applied_on);
    }
  }

  // One allocation per invoice and payment: installments of the same invoice are merged.
  void apply(uint32_t invoice, int64_t amount) {
    for (Application& application : applications_) {
      if (application.invoice == invoice) {
        application.amount += amount;
        return;
      }
    }
    applications_.push_back({invoice, amount});
  }

  // Cash on account: paid ahead or without remittance advice, applied to nothing.
  void receive_advance(const CustomerProfile& c) {
    const Date last = std::min(options_.as_of, c.stops_paying);
    const Date date = c.active_from + static_cast<int32_t>(dice_.between(0, last - c.active_from));
    const int64_t amount =
        in_currency(c, dice_.between(1, 50) * 10'000) * kPow10[c.currency.minor_digits];
    write_payment(c, date, amount, c.market->advance_reference);
  }

  int64_t write_payment(const CustomerProfile& c, Date date, int64_t amount,
                        string_view reference) {
    const int64_t number = ++counts_.payments;
    CsvFile& out = files_.payments;
    out.add_id("PAY", 8, number);
    out.add_id("C", 7, c.number);
    out.add_token(dates_(date));
    out.add_token(c.currency.code_view());
    out.add_token(format_minor_units(amount, c.currency.minor_digits));
    out.add(reference);
    out.end_row();
    return number;
  }

  //! Exactly one of payment_number and credit_note_number is non-zero.
  void write_allocation(const CustomerProfile& c, int64_t invoice_number, int64_t payment_number,
                        int64_t credit_note_number, int64_t amount, Date date) {
    CsvFile& out = files_.allocations;
    out.add_id("INV", 8, invoice_number);
    if (payment_number > 0) {
      out.add_id("PAY", 8, payment_number);
      out.add_token("");
    } else {
      out.add_token("");
      out.add_id("CN", 8, credit_note_number);
    }
    out.add_token(format_minor_units(amount, c.currency.minor_digits));
    out.add_token(dates_(date));
    out.end_row();
    ++counts_.allocations;
  }

  const GeneratorOptions& options_;
  std::span<const Currency> currencies_;
  LedgerFiles& files_;
  Dice dice_;
  Date window_start_;
  DateTexts dates_;
  int64_t invoices_hundredths_;
  std::vector<std::string> chinese_collectors_;
  std::vector<std::string> latin_collectors_;
  GeneratorCounts counts_;
  int64_t first_invoice_number_ = 1;  // the current customer's invoices are numbered on from here
  std::vector<Date> invoice_dates_;
  std::vector<Installment> installments_;
  std::vector<Application> applications_;
  std::string reference_;  // the current payment's memo
};

Result<void> check_options(const GeneratorOptions& options) {
  if (options.customers < 0) return fail("must not be negative", "customers");
  if (options.history_days < 30 || options.history_days > 3650) {
    return fail("must be between 30 and 3650", "history_days");
  }
  if (!(options.invoices_per_customer >= 0 && options.invoices_per_customer <= 10'000)) {
    return fail("must be between 0 and 10000", "invoices_per_customer");
  }
  return {};
}

Result<std::vector<Currency>> market_currencies() {
  std::vector<Currency> currencies;
  for (const Market& market : kMarkets) {
    auto currency = Currency::find(market.currency);
    if (!currency) return tl::unexpected(currency.error());
    currencies.push_back(*currency);
  }
  return currencies;
}

}  // namespace

Result<GeneratorCounts> generate_ledger(const GeneratorOptions& options, const std::string& dir) {
  if (auto valid = check_options(options); !valid) return tl::unexpected(valid.error());
  auto currencies = market_currencies();
  if (!currencies) return tl::unexpected(currencies.error());
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return fail(fmt::format("cannot create directory {}: {}", dir, error.message()));
  auto files = create_files(dir, options.deliveries);
  if (!files) return tl::unexpected(files.error());
  LedgerGenerator generator(options, *currencies, *files);
  for (int64_t number = 1; number <= options.customers && files->ok(); ++number) {
    generator.add_customer(number);
  }
  if (auto closed = close_files(*files); !closed) return tl::unexpected(closed.error());
  return generator.counts();
}

}  // namespace huikuan
