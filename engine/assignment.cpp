#include "engine/assignment.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace huikuan {
namespace {

constexpr int64_t kMicros = 1'000'000;

__int128 power_of_ten(int digits) {
  __int128 value = 1;
  for (int k = 0; k < digits; ++k) value *= 10;
  return value;
}

// numerator / denominator with a positive denominator.
struct Fraction {
  int64_t numerator = 0;
  int64_t denominator = 1;
};

bool operator<(const Fraction& a, const Fraction& b) {
  return static_cast<__int128>(a.numerator) * b.denominator <
         static_cast<__int128>(b.numerator) * a.denominator;
}

// A collector with the cases taken so far.
struct Holder {
  const Collector* collector = nullptr;
  std::optional<size_t> level;  // position in the authority levels; none = a level not in them
  int32_t cases = 0;
  int64_t amount = 0;

  bool has_room_for(int64_t case_amount) const {
    const Collector& c = *collector;
    return c.max_cases > 0 && c.max_amount > 0 && cases < c.max_cases &&
           case_amount <= c.max_amount - amount;
  }
  // The busier of the two measures once the case is taken; only asked when there is room.
  Fraction load_with(int64_t case_amount) const {
    const Fraction by_cases{cases + 1, collector->max_cases};
    const Fraction by_amount{amount + case_amount, collector->max_amount};
    return by_cases < by_amount ? by_amount : by_cases;
  }
};

// A collector with room for the case, and how well it fits them.
struct Candidate {
  Holder* holder = nullptr;
  bool matches = false;
  Fraction load;

  // A specialist first, then the lighter load, then the smaller id.
  bool better_than(const Candidate& other) const {
    if (matches != other.matches) return matches;
    if (load < other.load || other.load < load) return load < other.load;
    return holder->collector->id < other.holder->collector->id;
  }
};

class Team {
 public:
  Team(const std::vector<Collector>& collectors, const std::vector<AuthorityLevel>& authority)
      : authority_(authority), by_level_(authority.size()) {
    for (const Collector& collector : collectors) {
      Holder holder{&collector, {}, 0, 0};
      for (size_t k = 0; k < authority.size(); ++k) {
        if (authority[k].level == collector.level) holder.level = k;
      }
      if (holder.level) by_level_[*holder.level].push_back(holders_.size());
      by_id_.emplace(collector.id, holders_.size());
      for (const std::string& specialty : collector.specialties) {
        by_specialty_[specialty].push_back(holders_.size());
      }
      holders_.push_back(holder);
    }
    specialist_for_.assign(holders_.size(), 0);
  }

  Holder* find(const std::string& id) {
    auto found = by_id_.find(id);
    return found == by_id_.end() ? nullptr : &holders_[found->second];
  }

  bool may_hold(const Holder& holder, int64_t amount) const {
    return holder.level && authority_[*holder.level].covers(amount);
  }

  // The lowest authorised level with room decides; within it the best fitting collector.
  Holder* best_for(const AssignmentCase& c) {
    mark_specialists(c);
    for (size_t level = 0; level < authority_.size(); ++level) {
      if (!authority_[level].covers(c.amount)) continue;
      Candidate best;
      for (size_t k : by_level_[level]) {
        Holder& holder = holders_[k];
        if (!holder.has_room_for(c.amount)) continue;
        const Candidate candidate{&holder, specialist_for_[k] == case_number_,
                                  holder.load_with(c.amount)};
        if (!best.holder || candidate.better_than(best)) best = candidate;
      }
      if (best.holder) return best.holder;
    }
    return nullptr;
  }

  bool anyone_may_hold(int64_t amount) const {
    return std::any_of(holders_.begin(), holders_.end(),
                       [&](const Holder& h) { return may_hold(h, amount); });
  }

  std::vector<CollectorLoad> loads() const {
    std::vector<CollectorLoad> loads;
    for (const Holder& holder : holders_) {
      loads.push_back({holder.collector->id, holder.cases, holder.amount});
    }
    return loads;
  }

 private:
  // Stamps the holders whose specialties meet the case's segments with a new case number, so
  // the scan over a level tests a number instead of looking strings up in every holder's set.
  void mark_specialists(const AssignmentCase& c) {
    ++case_number_;
    for (const std::string& segment : c.segments) {
      auto found = by_specialty_.find(segment);
      if (found == by_specialty_.end()) continue;
      for (size_t k : found->second) specialist_for_[k] = case_number_;
    }
  }

  const std::vector<AuthorityLevel>& authority_;
  std::vector<Holder> holders_;                    // in the order given
  std::vector<std::vector<size_t>> by_level_;      // authority level -> holders
  std::unordered_map<std::string, size_t> by_id_;  // collector id -> holder
  std::unordered_map<std::string, std::vector<size_t>> by_specialty_;
  std::vector<uint64_t> specialist_for_;  // holder -> number of the last case it specialises in
  uint64_t case_number_ = 0;
};

void take(Holder& holder, int64_t amount) {
  ++holder.cases;
  holder.amount += amount;
}

// Why a case that did not stay with its current collector moves.
PlacementReason reason_for_move(Team& team, const AssignmentCase& c) {
  const Holder* current = team.find(c.current_collector);
  if (!current) return PlacementReason::kNew;
  return team.may_hold(*current, c.amount) ? PlacementReason::kRebalanced
                                           : PlacementReason::kRoutedByAuthority;
}

}  // namespace

std::string_view placement_reason_name(PlacementReason reason) {
  switch (reason) {
    case PlacementReason::kKept:
      return "kept";
    case PlacementReason::kRebalanced:
      return "rebalanced";
    case PlacementReason::kRoutedByAuthority:
      return "routed_by_authority";
    case PlacementReason::kNew:
      return "new";
  }
  return "kept";
}

std::string_view unplaced_reason_name(UnplacedReason reason) {
  return reason == UnplacedReason::kNoAuthority ? "no_authority" : "no_capacity";
}

AssignmentResult assign_cases(std::vector<AssignmentCase> cases,
                              const std::vector<Collector>& collectors,
                              const std::vector<AuthorityLevel>& authority) {
  std::sort(cases.begin(), cases.end(), [](const AssignmentCase& a, const AssignmentCase& b) {
    if (a.amount != b.amount) return a.amount > b.amount;
    return a.customer_id < b.customer_id;
  });
  Team team(collectors, authority);
  // Existing assignments are honoured before anything is placed, so a new case never pushes a
  // collector's own cases out; only what exceeds their room or authority moves.
  std::vector<bool> kept(cases.size(), false);
  for (size_t k = 0; k < cases.size(); ++k) {
    Holder* current = team.find(cases[k].current_collector);
    if (!current || !team.may_hold(*current, cases[k].amount) ||
        !current->has_room_for(cases[k].amount)) {
      continue;
    }
    take(*current, cases[k].amount);
    kept[k] = true;
  }

  AssignmentResult result;
  for (size_t k = 0; k < cases.size(); ++k) {
    const AssignmentCase& c = cases[k];
    if (kept[k]) {
      result.placements.push_back({c.customer_id, c.current_collector, c.current_collector,
                                   c.amount, PlacementReason::kKept});
      continue;
    }
    Holder* target = team.best_for(c);
    if (!target) {
      const UnplacedReason why = team.anyone_may_hold(c.amount) ? UnplacedReason::kNoCapacity
                                                                : UnplacedReason::kNoAuthority;
      result.unplaced.push_back({c.customer_id, c.current_collector, c.amount, why});
      continue;
    }
    take(*target, c.amount);
    result.placements.push_back({c.customer_id, c.current_collector, target->collector->id,
                                 c.amount, reason_for_move(team, c)});
  }
  result.loads = team.loads();
  return result;
}

Result<int64_t> convert_minor_units(int64_t minor, const Currency& from, const Currency& to,
                                    int64_t rate_micros) {
  if (rate_micros <= 0) {
    return fail(fmt::format("the exchange rate of {} must be positive", from.code_view()));
  }
  __int128 numerator = 0;
  const __int128 scaled_rate = static_cast<__int128>(rate_micros) * power_of_ten(to.minor_digits);
  if (__builtin_mul_overflow(static_cast<__int128>(minor), scaled_rate, &numerator)) {
    return fail(
        fmt::format("{} minor units of {} are too large to convert", minor, from.code_view()));
  }
  const __int128 denominator = kMicros * power_of_ten(from.minor_digits);
  const __int128 half = denominator / 2;
  const __int128 rounded =
      numerator >= 0 ? (numerator + half) / denominator : (numerator - half) / denominator;
  if (rounded > INT64_MAX || rounded < INT64_MIN) {
    return fail(fmt::format("{} minor units of {} exceed the {} range", minor, from.code_view(),
                            to.code_view()));
  }
  return static_cast<int64_t>(rounded);
}

Result<CaseBook> cases_from_worklist(const std::vector<WorklistItem>& items,
                                     const Snapshot& snapshot, const Policy& policy) {
  auto policy_currency = Currency::find(policy.currency);
  if (!policy_currency) return tl::unexpected(policy_currency.error());
  CaseBook book;
  std::set<std::string> face_value;
  for (const WorklistItem& item : items) {
    if (item.collectible_amount <= 0) continue;
    const std::string code(item.currency.code_view());
    int64_t rate = kMicros;
    if (!(item.currency == *policy_currency)) {
      auto found = policy.exchange_rate_micros.find(code);
      if (found == policy.exchange_rate_micros.end()) {
        face_value.insert(code);
      } else {
        rate = found->second;
      }
    }
    auto amount =
        convert_minor_units(item.collectible_amount, item.currency, *policy_currency, rate);
    if (!amount) return tl::unexpected(amount.error());
    AssignmentCase c{item.customer_id, item.collector, *amount, {}};
    if (auto at = snapshot.customer_index(item.customer_id)) {
      for (const std::string& segment :
           {snapshot.industries.values[snapshot.customer_industry[*at]],
            snapshot.regions.values[snapshot.customer_region[*at]]}) {
        if (!segment.empty()) c.segments.push_back(segment);
      }
    }
    c.segments.push_back(code);
    book.cases.push_back(std::move(c));
  }
  book.face_value_currencies.assign(face_value.begin(), face_value.end());
  return book;
}

}  // namespace huikuan
