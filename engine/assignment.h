#pragma once
// Assignment of cases to collectors (DOMAIN §7): every case goes to someone whose authority
// covers its amount, existing assignments stay unless capacity forces a move, and new or moved
// cases balance the collectors' case counts and amounts. Pure: no I/O, no clock.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/currency.h"
#include "core/error.h"
#include "engine/snapshot.h"
#include "engine/worklist.h"
#include "ledger/policy.h"

namespace huikuan {

//! A customer with collectible overdue money, as the assignment sees it.
struct AssignmentCase {
  std::string customer_id;
  std::string current_collector;  //!< Customer::collector today; "" when unassigned
  int64_t amount = 0;             //!< collectible, in minor units of Policy::currency
  //! What a collector's specialties are matched against: the customer's industry, region and
  //! currency code (the segments the snapshot knows), empty ones left out.
  std::vector<std::string> segments;
};

//! A member of the collection team who can hold cases.
struct Collector {
  std::string id;  //!< the value Customer::collector holds for this collector's customers
  std::string name;
  std::string level;  //!< an AuthorityLevel::level of the policy
  int32_t max_cases = 0;
  int64_t max_amount = 0;  //!< minor units of Policy::currency
  std::set<std::string> specialties;
};

enum class PlacementReason {
  kKept,               //!< stays with the current collector
  kRebalanced,         //!< the current collector had authority but no room left
  kRoutedByAuthority,  //!< the current collector may not hold a case this large
  kNew,                //!< no current collector, or one not on the team
};

enum class UnplacedReason {
  kNoAuthority,  //!< nobody on the team is at a level allowed to hold the amount
  kNoCapacity,   //!< everyone allowed to hold it is at max_cases or max_amount
};

//! "kept", "rebalanced", "routed_by_authority", "new".
std::string_view placement_reason_name(PlacementReason reason);
//! "no_authority", "no_capacity".
std::string_view unplaced_reason_name(UnplacedReason reason);

struct Placement {
  std::string customer_id;
  std::string previous_collector;
  std::string collector_id;
  int64_t amount = 0;  //!< minor units of Policy::currency
  PlacementReason reason = PlacementReason::kKept;

  //! Whether the customer changes hands.
  bool moved() const { return collector_id != previous_collector; }
};

struct UnplacedCase {
  std::string customer_id;
  std::string current_collector;  //!< left as it is
  int64_t amount = 0;             //!< minor units of Policy::currency
  UnplacedReason reason = UnplacedReason::kNoCapacity;
};

struct CollectorLoad {
  std::string collector_id;
  int32_t cases = 0;
  int64_t amount = 0;  //!< minor units of Policy::currency
};

struct AssignmentResult {
  std::vector<Placement> placements;   //!< largest case first, then by customer id
  std::vector<UnplacedCase> unplaced;  //!< in the same order
  std::vector<CollectorLoad> loads;    //!< one per collector, in the order given
};

//! Assigns `cases` to `collectors` (unique ids) under the `authority` levels (ascending, as in
//! Policy). Largest cases are placed first (ties by customer id), so the result depends only on
//! the inputs. A case stays with its current collector when that collector is on the team, has
//! authority for it and has room; otherwise it goes to the lowest authorised level with room,
//! to the collector with a matching specialty and then the least load after taking it, load
//! being the larger of cases/max_cases and amount/max_amount.
AssignmentResult assign_cases(std::vector<AssignmentCase> cases,
                              const std::vector<Collector>& collectors,
                              const std::vector<AuthorityLevel>& authority);

//! `minor` units of `from` in minor units of `to`, at `rate_micros` millionths of a `to` per
//! unit of `from`, rounded half up; exact integer arithmetic. Fails if the result leaves int64.
Result<int64_t> convert_minor_units(int64_t minor, const Currency& from, const Currency& to,
                                    int64_t rate_micros);

//! The cases of a worklist, with their amounts in the policy currency.
struct CaseBook {
  std::vector<AssignmentCase> cases;
  //! Currencies without an exchange rate in the policy, whose amounts were counted at face value.
  std::vector<std::string> face_value_currencies;
};

//! Every worklist item with a collectible amount, converted with Policy::exchange_rate_micros
//! and segmented from `snapshot`. Fails on an unknown policy currency or an overflowing amount.
Result<CaseBook> cases_from_worklist(const std::vector<WorklistItem>& items,
                                     const Snapshot& snapshot, const Policy& policy);

}  // namespace huikuan
