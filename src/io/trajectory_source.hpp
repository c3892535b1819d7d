#pragma once
// Internal to the trajectory readers: one format's frames as the file holds them, before the
// common layer (trajectory_reader.cpp) selects species, orders by id, unwraps and checks the
// frame spacing. Also the buffered text input and number parsing the text formats share.
#include "ionbath/io/trajectory_reader.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ionbath::io {

// One frame as stored. Row i of xyz/image/id belongs to the same atom (file order).
struct RawFrame {
  std::int64_t step = -1;          // -1: the file gives none
  std::optional<double> time_ps;   // the file's time, converted to ps
  bool has_cell = false;           // cell and origin are valid
  CellMatrix cell{};               // rows = lattice vectors, Å
  std::array<double, 3> origin{};  // Cartesian position of fractional (0,0,0)
  std::array<bool, 3> periodic{};  // along a, b, c
  bool fractional = false;         // xyz are fractional coordinates in the cell
  bool unwrapped = false;          // xyz are already unwrapped (no image flags needed)
  std::vector<double> xyz;         // [atoms × 3]
  std::vector<std::int64_t> image; // [atoms × 3] image flags, or empty
  std::vector<std::int64_t> id;    // [atoms], or empty: 1, 2, ... in file order
  // Read for the first frame only (species are fixed per id):
  std::vector<std::int64_t> type; // [atoms] type number, or empty
  std::vector<std::string> label; // [atoms] species label, or empty (then the type number)

  std::int64_t atoms() const { return std::int64_t(xyz.size() / 3); }
};

class FrameSource {
public:
  virtual ~FrameSource() = default;
  virtual const std::string &path() const = 0;
  virtual const char *format() const = 0;
  // Fills the next frame (labels and types only when `first`); false at the clean end of file.
  virtual bool next(RawFrame &frame, bool first) = 0;
};

std::unique_ptr<FrameSource> open_lammps_dump(const std::string &path);
std::unique_ptr<FrameSource> open_extxyz(const std::string &path);
std::unique_ptr<FrameSource> open_xdatcar(const std::string &path);
std::unique_ptr<FrameSource> open_h5md(const std::string &path, const TrajectoryOptions &options);

// Lines of a plain or gzip-compressed text file through large buffered reads (zlib reads plain
// files transparently). A line view stays valid until the next call.
class TextInput {
public:
  explicit TextInput(std::string path); // missing file → InputError
  ~TextInput();
  TextInput(const TextInput &) = delete;
  TextInput &operator=(const TextInput &) = delete;

  bool next_line(std::string_view &line); // without the end of line; false at end of file
  std::int64_t line_number() const { return line_number_; }
  const std::string &path() const { return path_; }

private:
  bool refill();

  std::string path_;
  void *file_ = nullptr; // gzFile
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  std::int64_t line_number_ = 0;
};

// Whitespace-separated tokens of a line.
class Tokens {
public:
  explicit Tokens(std::string_view line) : p_(line.data()), end_(line.data() + line.size()) {}
  bool next(std::string_view &token);
  std::string_view rest(); // the remaining text, leading blanks skipped

private:
  const char *p_, *end_;
};

// Whole-token numbers (std::from_chars); nullopt when the token is not one.
std::optional<double> parse_double(std::string_view token);
std::optional<std::int64_t> parse_int(std::string_view token);

// The inverse of a cell matrix (rows = lattice vectors); InputError via `where` if singular.
CellMatrix inverse_cell(const CellMatrix &cell, const std::string &where);

} // namespace ionbath::io
