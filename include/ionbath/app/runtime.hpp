#pragma once
// Run-time services of the app layer: logging on rank 0, category timers, progress with ETA,
// signal-triggered checkpoint requests and atomic file replacement.
#include <array>
#include <chrono>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace ionbath::app {

// Messages go to stderr (SLURM log friendly), prefixed with the elapsed wall time.
class Log {
public:
  static void set_rank(int rank);
  // Messages about a trajectory group's own work (progress of its tasks) are printed by every
  // group leader, prefixed with the group index when there are several groups.
  static void set_group(bool leader, int group_index, int n_groups);
  template <class... Args> static void task(fmt::format_string<Args...> f, Args &&...args) {
    if (task_enabled())
      write(task_prefix(), fmt::format(f, std::forward<Args>(args)...));
  }
  static bool task_enabled();
  static std::string task_prefix();
  static bool enabled();
  static void write(std::string_view level, const std::string &message);
  template <class... Args> static void info(fmt::format_string<Args...> f, Args &&...args) {
    if (enabled())
      write("", fmt::format(f, std::forward<Args>(args)...));
  }
  template <class... Args> static void warn(fmt::format_string<Args...> f, Args &&...args) {
    if (enabled())
      write("warning: ", fmt::format(f, std::forward<Args>(args)...));
  }
};

enum class TimerCategory { setup, bath, force, analysis, io, count };

// Wall-clock time per category (miniMD style), printed at the end of a run.
class CategoryTimers {
public:
  using clock = std::chrono::steady_clock;
  void add(TimerCategory c, double seconds) { seconds_[static_cast<int>(c)] += seconds; }
  double seconds(TimerCategory c) const { return seconds_[static_cast<int>(c)]; }
  std::string report() const;

  class Scope {
  public:
    Scope(CategoryTimers &t, TimerCategory c) : timers_(t), category_(c), start_(clock::now()) {}
    ~Scope() {
      timers_.add(category_, std::chrono::duration<double>(clock::now() - start_).count());
    }
    Scope(const Scope &) = delete;
    Scope &operator=(const Scope &) = delete;

  private:
    CategoryTimers &timers_;
    TimerCategory category_;
    clock::time_point start_;
  };

private:
  std::array<double, static_cast<int>(TimerCategory::count)> seconds_{};
};

// Prints "label: done/total (pct), rate, ETA" at most every `interval_s` seconds.
class Progress {
public:
  Progress(std::string label, long long total, double interval_s = 10.0);
  void update(long long done);
  void finish();

private:
  std::string label_;
  long long total_, start_done_ = -1;
  double interval_s_;
  std::chrono::steady_clock::time_point start_, last_;
};

// SIGTERM / SIGUSR1 / SIGINT set a flag; long loops poll it, checkpoint and exit cleanly.
class StopSignal {
public:
  static void install();
  static bool requested();
  static int signal_number();
  static void reset(); // tests
};

// Write `content` to path via path.tmp + rename (readers never see a partial file).
void atomic_write_text(const std::string &path, std::string_view content);
std::string read_text_file(const std::string &path);
// The CSV table beside a results file: <dir>/<stem>.csv.
std::string csv_path_of(const std::string &output);
// A CSV table cell: the number to 10 significant digits, empty for NaN (a value that does not
// apply).
std::string csv_cell(double value);

std::string format_duration(double seconds);

} // namespace ionbath::app
