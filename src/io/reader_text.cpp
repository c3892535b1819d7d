// Buffered text input (plain or gzip through zlib), tokens and number parsing of the text
// trajectory readers.
#include "trajectory_source.hpp"

#include "ionbath/core/error.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>

namespace ionbath::io {

namespace {
constexpr std::size_t kReadBytes = std::size_t(1) << 22; // 4 MiB per read
gzFile gz(void *file) {
  return static_cast<gzFile>(file);
}
bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}
} // namespace

TextInput::TextInput(std::string path) : path_(std::move(path)), buffer_(kReadBytes) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path_, ec))
    throw InputError(fmt::format("{}: cannot open trajectory: no such file", path_));
  file_ = gzopen(path_.c_str(), "rb");
  if (!file_)
    throw InputError(fmt::format("{}: cannot open trajectory: {}", path_, std::strerror(errno)));
  gzbuffer(gz(file_), unsigned(kReadBytes));
}

TextInput::~TextInput() {
  if (file_)
    gzclose(gz(file_));
}

// Moves the unread tail to the front and appends the next read; false once nothing is left.
bool TextInput::refill() {
  if (eof_)
    return false;
  const std::size_t tail = end_ - begin_;
  std::memmove(buffer_.data(), buffer_.data() + begin_, tail);
  begin_ = 0;
  end_ = tail;
  if (buffer_.size() - end_ < kReadBytes / 2)
    buffer_.resize(buffer_.size() * 2); // a line longer than the buffer
  const int got = gzread(gz(file_), buffer_.data() + end_, unsigned(buffer_.size() - end_));
  if (got < 0) {
    int code = 0;
    throw InputError(fmt::format("{}: read error ({})", path_, gzerror(gz(file_), &code)));
  }
  if (got == 0)
    eof_ = true;
  end_ += std::size_t(got);
  return got > 0;
}

bool TextInput::next_line(std::string_view &line) {
  for (;;) {
    const char *start = buffer_.data() + begin_;
    const auto *nl = static_cast<const char *>(std::memchr(start, '\n', end_ - begin_));
    if (nl) {
      std::size_t length = std::size_t(nl - start);
      begin_ += length + 1;
      if (length > 0 && start[length - 1] == '\r')
        --length;
      line = std::string_view(start, length);
      ++line_number_;
      return true;
    }
    if (!refill()) {
      if (begin_ == end_)
        return false;
      line = std::string_view(buffer_.data() + begin_, end_ - begin_); // last line, no newline
      begin_ = end_;
      ++line_number_;
      return true;
    }
  }
}

bool Tokens::next(std::string_view &token) {
  while (p_ < end_ && blank(*p_))
    ++p_;
  if (p_ == end_)
    return false;
  const char *start = p_;
  while (p_ < end_ && !blank(*p_))
    ++p_;
  token = std::string_view(start, std::size_t(p_ - start));
  return true;
}

std::string_view Tokens::rest() {
  while (p_ < end_ && blank(*p_))
    ++p_;
  return std::string_view(p_, std::size_t(end_ - p_));
}

namespace {
// The whole token as a number of type T (a leading '+' allowed), or nothing.
template <class T> std::optional<T> parse_number(std::string_view token) {
  T value = 0;
  const char *first = token.data(), *last = token.data() + token.size();
  if (first != last && *first == '+')
    ++first;
  const auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last)
    return std::nullopt;
  return value;
}
} // namespace

std::optional<double> parse_double(std::string_view token) {
  return parse_number<double>(token);
}

std::optional<std::int64_t> parse_int(std::string_view token) {
  return parse_number<std::int64_t>(token);
}

CellMatrix inverse_cell(const CellMatrix &m, const std::string &where) {
  const double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
                     m[2] * (m[3] * m[7] - m[4] * m[6]);
  const double scale = std::abs(m[0]) + std::abs(m[4]) + std::abs(m[8]);
  if (!(std::abs(det) > 1e-12 * scale * scale * scale))
    throw InputError(fmt::format("{}: the cell is singular (volume {})", where, det));
  const double s = 1 / det;
  return {(m[4] * m[8] - m[5] * m[7]) * s, (m[2] * m[7] - m[1] * m[8]) * s,
          (m[1] * m[5] - m[2] * m[4]) * s, (m[5] * m[6] - m[3] * m[8]) * s,
          (m[0] * m[8] - m[2] * m[6]) * s, (m[2] * m[3] - m[0] * m[5]) * s,
          (m[3] * m[7] - m[4] * m[6]) * s, (m[1] * m[6] - m[0] * m[7]) * s,
          (m[0] * m[4] - m[1] * m[3]) * s};
}

} // namespace ionbath::io
