#include "core/file.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace huikuan {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return tl::unexpected(Error{"cannot open the file", {}, path});
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

Result<void> write_file(const std::string& path, std::string_view bytes) {
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out || !out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())) ||
        !out.flush()) {
      std::remove(partial.c_str());
      return tl::unexpected(Error{"cannot write the file", {}, path});
    }
  }
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    std::remove(partial.c_str());
    return tl::unexpected(Error{"cannot write the file", {}, path});
  }
  return {};
}

}  // namespace huikuan
