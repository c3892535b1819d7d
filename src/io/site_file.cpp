// Site files (io/site_file.hpp; physics.md §8.2 site list).
#include "ionbath/io/site_file.hpp"

#include "ionbath/core/error.hpp"
#include "trajectory_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace ionbath::io {

namespace {

// The line without its comment.
std::string_view strip_comment(std::string_view line) {
  const auto hash = line.find('#');
  return hash == std::string_view::npos ? line : line.substr(0, hash);
}

bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(a[k])) != b[k])
      return false;
  return true;
}

// Line-by-line parser state; `fail` names the file, the line and the text.
class SiteParser {
public:
  explicit SiteParser(const std::string &path) : in_(path) {}

  SiteFileContents parse() {
    std::string_view raw;
    while (in_.next_line(raw)) {
      const std::string_view text = Tokens(strip_comment(raw)).rest();
      if (text.empty())
        continue;
      if (!have_keyword_)
        keyword(text);
      else
        site(text);
    }
    if (!have_keyword_)
      fail_at_end("the file has no `fractional` or `cartesian` keyword");
    if (out_.positions.empty())
      fail_at_end("no sites after the keyword");
    return std::move(out_);
  }

private:
  [[noreturn]] void fail(std::string_view problem, std::string_view text) const {
    throw InputError(fmt::format("{}: line {}: {}, found '{}'", in_.path(), in_.line_number(),
                                 problem, text.substr(0, 80)));
  }
  [[noreturn]] void fail_at_end(std::string_view problem) const {
    throw InputError(
        fmt::format("{}: line {} (end of file): {}", in_.path(), in_.line_number(), problem));
  }

  void keyword(std::string_view text) {
    Tokens t(text);
    std::string_view word;
    t.next(word);
    const bool cartesian = equals_nocase(word, "cartesian");
    if ((!cartesian && !equals_nocase(word, "fractional")) || !t.rest().empty())
      fail("expected the keyword `fractional` or `cartesian` before the sites", text);
    out_.cartesian = cartesian;
    have_keyword_ = true;
  }

  // x y z [class_label]
  void site(std::string_view text) {
    std::string_view token[5];
    Tokens t(text);
    int columns = 0;
    while (columns < 5 && t.next(token[columns]))
      ++columns;
    if (columns < 3 || columns > 4)
      fail("expected `x y z [class_label]` (3 or 4 columns)", text);
    Vec3 r;
    for (int k = 0; k < 3; ++k) {
      const auto v = parse_double(token[k]);
      if (!v || !std::isfinite(*v))
        fail(fmt::format("coordinate {} is not a number", "xyz"[k]), text);
      r[k] = *v;
    }
    const bool labelled = columns == 4;
    if (!out_.positions.empty() && labelled != labelled_)
      fail(labelled_ ? "a site without a class label among labelled sites"
                     : "a class label among unlabelled sites",
           text);
    labelled_ = labelled;
    out_.positions.push_back(r);
    if (labelled)
      out_.labels_per_site.emplace_back(token[3]);
  }

  TextInput in_;
  SiteFileContents out_;
  bool have_keyword_ = false;
  bool labelled_ = false;
};

// f − ⌊f⌋, with values within rounding of 1 (a Cartesian site on a cell face) mapped to 0.
double wrap_unit(double f) {
  const double w = f - std::floor(f);
  return w >= 1 - 1e-12 ? 0.0 : w;
}

} // namespace

SiteFileContents read_site_file(const std::string &path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError(fmt::format("{}: cannot open site file: no such file", path));
  return SiteParser(path).parse();
}

analysis::SiteLattice site_lattice_from_file(const std::string &path,
                                             const std::array<double, 9> &cell,
                                             double site_radius_A) {
  const SiteFileContents file = read_site_file(path);
  std::vector<Vec3> fractional = file.positions;
  if (file.cartesian) {
    // r = f^T M (rows of M = a, b, c)  →  f = M^{-T} r.
    const CellMatrix inv = inverse_cell(cell, path);
    for (auto &r : fractional)
      r = Vec3(inv[0] * r[0] + inv[3] * r[1] + inv[6] * r[2],
               inv[1] * r[0] + inv[4] * r[1] + inv[7] * r[2],
               inv[2] * r[0] + inv[5] * r[1] + inv[8] * r[2]);
  }
  for (auto &f : fractional)
    f = Vec3(wrap_unit(f[0]), wrap_unit(f[1]), wrap_unit(f[2]));

  // Classes in order of first appearance; no labels: one class "site".
  std::vector<int> site_class(fractional.size(), 0);
  std::vector<std::string> class_names;
  if (file.labels_per_site.empty())
    class_names.emplace_back("site");
  for (std::size_t k = 0; k < file.labels_per_site.size(); ++k) {
    const auto &label = file.labels_per_site[k];
    auto it = std::find(class_names.begin(), class_names.end(), label);
    site_class[k] = static_cast<int>(it - class_names.begin());
    if (it == class_names.end())
      class_names.push_back(label);
  }
  try {
    return analysis::make_site_lattice(cell, std::move(fractional), std::move(site_class),
                                       std::move(class_names), site_radius_A);
  } catch (const std::invalid_argument &e) {
    throw InputError(fmt::format("{}: unusable site list: {}", path, e.what()));
  }
}

} // namespace ionbath::io
