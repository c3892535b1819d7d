#include "ionbath/app/checkpoint.hpp"

#include "ionbath/app/runtime.hpp"
#include "ionbath/core/error.hpp"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace ionbath::app {

namespace {
constexpr const char *kMagic = "# ionbath checkpoint v1";
}

void Checkpoint::set_int(const std::string &key, std::int64_t value) {
  values_[key] = std::to_string(value);
}

void Checkpoint::set_doubles(const std::string &key, const std::vector<double> &values) {
  std::string s;
  for (double v : values)
    s += fmt::format("{}{:a}", s.empty() ? "" : " ", v);
  values_[key] = s;
}

void Checkpoint::set_array(const std::string &key, std::vector<double> values) {
  arrays_[key] = std::move(values);
}

const std::vector<double> &Checkpoint::get_array(const std::string &key) const {
  const auto it = arrays_.find(key);
  if (it == arrays_.end())
    throw InputError(fmt::format("checkpoint has no array '{}'", key));
  return it->second;
}

const std::string &Checkpoint::get(const std::string &key) const {
  const auto it = values_.find(key);
  if (it == values_.end())
    throw InputError(fmt::format("checkpoint has no entry '{}'", key));
  return it->second;
}

std::int64_t Checkpoint::get_int(const std::string &key) const {
  const std::string &s = get(key);
  char *end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (end == s.c_str() || *end != '\0')
    throw InputError(fmt::format("checkpoint entry '{}' = '{}' is not an integer", key, s));
  return v;
}

std::vector<double> Checkpoint::get_doubles(const std::string &key) const {
  std::istringstream in(get(key));
  std::vector<double> out;
  std::string token;
  while (in >> token) {
    char *end = nullptr;
    out.push_back(std::strtod(token.c_str(), &end));
    if (*end != '\0')
      throw InputError(fmt::format("checkpoint entry '{}' has a bad number '{}'", key, token));
  }
  return out;
}

std::string Checkpoint::serialize() const {
  std::string out = std::string(kMagic) + "\n";
  for (const auto &[k, v] : values_)
    out += k + " = " + v + "\n";
  for (const auto &[k, v] : arrays_)
    out += fmt::format("#array {} {}\n", k, v.size());
  out += "# end\n";
  for (const auto &[k, v] : arrays_)
    out.append(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(double));
  return out;
}

Checkpoint Checkpoint::parse(const std::string &text, const std::string &source) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kMagic)
    throw InputError(fmt::format("'{}' is not an ionbath checkpoint", source));
  Checkpoint c;
  bool complete = false;
  std::vector<std::pair<std::string, std::size_t>> arrays;
  while (std::getline(in, line)) {
    if (line == "# end") {
      complete = true;
      break;
    }
    if (line.rfind("#array ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string name;
      std::size_t count = 0;
      if (!(words >> name >> count))
        throw InputError(fmt::format("checkpoint '{}': malformed line '{}'", source, line));
      arrays.emplace_back(name, count);
      continue;
    }
    const auto eq = line.find(" = ");
    if (eq == std::string::npos)
      throw InputError(fmt::format("checkpoint '{}': malformed line '{}'", source, line));
    c.values_[line.substr(0, eq)] = line.substr(eq + 3);
  }
  if (!complete)
    throw InputError(fmt::format("checkpoint '{}' is truncated", source));
  auto offset = static_cast<std::size_t>(in.tellg());
  std::size_t payload = 0;
  for (const auto &[name, count] : arrays)
    payload += count * sizeof(double);
  if (text.size() != offset + payload)
    throw InputError(fmt::format("checkpoint '{}' is truncated ({} of {} payload bytes)", source,
                                 text.size() - offset, payload));
  for (const auto &[name, count] : arrays) {
    std::vector<double> v(count);
    std::memcpy(v.data(), text.data() + offset, count * sizeof(double));
    offset += count * sizeof(double);
    c.arrays_[name] = std::move(v);
  }
  return c;
}

void Checkpoint::write(const std::string &path) const {
  namespace fs = std::filesystem;
  if (fs::exists(path))
    fs::copy_file(path, path + ".prev", fs::copy_options::overwrite_existing);
  atomic_write_text(path, serialize());
}

std::optional<Checkpoint> Checkpoint::read(const std::string &path) {
  namespace fs = std::filesystem;
  for (const std::string &candidate : {path, path + ".prev"}) {
    if (!fs::exists(candidate))
      continue;
    try {
      return parse(read_text_file(candidate), candidate);
    } catch (const InputError &e) {
      Log::warn("{}; trying the previous checkpoint", e.what());
    }
  }
  return std::nullopt;
}

void Checkpoint::require_config(const std::string &expected_hash, const std::string &path) const {
  const std::string &found = get("config_hash");
  if (found != expected_hash)
    throw InputError(fmt::format(
        "checkpoint '{}' was written by a different configuration (hash {} vs {}); remove it "
        "or restore the original configuration to resume",
        path, found, expected_hash));
}

} // namespace ionbath::app
