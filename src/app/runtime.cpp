#include "ionbath/app/runtime.hpp"

#include "ionbath/core/error.hpp"

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ionbath::app {

namespace {
int g_rank = 0;
bool g_group_leader = true;
int g_group = 0, g_groups = 1;
const auto g_start = std::chrono::steady_clock::now();
std::atomic<int> g_signal{0};

extern "C" void on_stop_signal(int sig) {
  g_signal.store(sig);
}
} // namespace

void Log::set_group(bool leader, int group_index, int n_groups) {
  g_group_leader = leader;
  g_group = group_index;
  g_groups = n_groups;
}
bool Log::task_enabled() {
  return g_group_leader;
}
std::string Log::task_prefix() {
  return g_groups > 1 ? fmt::format("[group {}] ", g_group) : "";
}

void Log::set_rank(int rank) {
  g_rank = rank;
}
bool Log::enabled() {
  return g_rank == 0;
}
void Log::write(std::string_view level, const std::string &message) {
  const double t =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - g_start).count();
  fmt::print(stderr, "[ionbath {}] {}{}\n", format_duration(t), level, message);
  std::fflush(stderr);
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0)
    return "--:--:--";
  const auto s = static_cast<long long>(seconds + 0.5);
  return fmt::format("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}

std::string CategoryTimers::report() const {
  static constexpr const char *names[] = {"setup", "bath", "force", "analysis", "io"};
  double total = 0;
  for (double s : seconds_)
    total += s;
  std::string out = "timers (s):";
  for (int i = 0; i < static_cast<int>(TimerCategory::count); ++i)
    out += fmt::format(" {} {:.3f} ({:.1f}%)", names[i], seconds_[i],
                       total > 0 ? 100 * seconds_[i] / total : 0.0);
  return out;
}

Progress::Progress(std::string label, long long total, double interval_s)
    : label_(std::move(label)), total_(total), interval_s_(interval_s),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::update(long long done) {
  const auto now = std::chrono::steady_clock::now();
  if (start_done_ < 0) {
    start_done_ = done;
    start_ = now;
    last_ = now;
    return;
  }
  if (std::chrono::duration<double>(now - last_).count() < interval_s_)
    return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? (done - start_done_) / elapsed : 0;
  const double eta = rate > 0 ? (total_ - done) / rate : -1;
  Log::task("{}: {}/{} ({:.1f}%), {:.3g}/s, ETA {}", label_, done, total_,
            100.0 * done / std::max(1LL, total_), rate, format_duration(eta));
}

void Progress::finish() {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  Log::task("{}: done in {}", label_, format_duration(elapsed));
}

void StopSignal::install() {
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGUSR1, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);
}
bool StopSignal::requested() {
  return g_signal.load() != 0;
}
int StopSignal::signal_number() {
  return g_signal.load();
}
void StopSignal::reset() {
  g_signal.store(0);
}

void atomic_write_text(const std::string &path, std::string_view content) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw InputError(fmt::format("cannot write '{}'", tmp));
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out)
      throw std::runtime_error(fmt::format("writing '{}' failed", tmp));
  }
  std::filesystem::rename(tmp, path);
}

std::string read_text_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(fmt::format("cannot read file '{}'", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string csv_cell(double value) {
  return std::isnan(value) ? "" : fmt::format("{:.10g}", value);
}

std::string csv_path_of(const std::string &output) {
  const std::filesystem::path p(output);
  return (p.parent_path() / p.stem()).string() + ".csv";
}

} // namespace ionbath::app
