#pragma once
// Work over a range split into consecutive parts, one per core: for the per-customer loops of the
// daily run, whose customers depend on nothing but their own data.

#include <algorithm>
#include <cstddef>
#include <future>
#include <iterator>
#include <thread>
#include <vector>

namespace huikuan {

//! Runs `work(begin, end)` on consecutive parts of [0, n) at once — as many parts as cores, each
//! at least `smallest` long (one part when n is small) — and returns their results in order.
//! The calling thread works the first part; every part has finished when this returns.
template <typename Work>
auto in_parts(size_t n, size_t smallest, const Work& work) {
  using Part = decltype(work(size_t{0}, size_t{0}));
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t parts = std::clamp<size_t>(n / std::max<size_t>(smallest, 1), 1, cores);
  std::vector<std::future<Part>> others;
  for (size_t p = 1; p < parts; ++p) {
    others.push_back(std::async(
        std::launch::async,
        [&work, begin = n * p / parts, end = n * (p + 1) / parts] { return work(begin, end); }));
  }
  std::vector<Part> results;
  results.reserve(parts);
  results.push_back(work(0, n / parts));
  for (auto& other : others) results.push_back(other.get());
  return results;
}

//! Moves the elements of `from` to the end of `to`.
template <typename T>
void append_moved(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

}  // namespace huikuan
