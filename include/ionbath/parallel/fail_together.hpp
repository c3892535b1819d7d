#pragma once
// The one collective error idiom: a problem detected on some rank (usually root, which alone
// reads or renames files) makes every rank throw the same error, so that no rank is left
// waiting in the next collective call.
#include "ionbath/parallel/comm.hpp"

#include <exception>
#include <string>
#include <utility>

namespace ionbath::parallel {

// Collective. When `problem` is non-empty on any rank, every rank throws Error with root's
// message (a problem seen only off root gets a pointer to that rank's log).
template <class Error> void fail_together(const Communicator &comm, std::string problem) {
  if (!comm.any(!problem.empty()))
    return;
  comm.broadcast(problem);
  if (problem.empty())
    problem = "a problem was detected on another rank (see its log)";
  throw Error(problem);
}

// Collective. Runs `work` on root only; if it throws, every rank throws Error with its message.
template <class Error, class Work>
void on_root_or_fail_together(const Communicator &comm, Work &&work) {
  std::string problem;
  if (comm.is_root()) {
    try {
      std::forward<Work>(work)();
    } catch (const std::exception &e) {
      problem = *e.what() ? e.what() : "unknown error on root";
    }
  }
  fail_together<Error>(comm, std::move(problem));
}

} // namespace ionbath::parallel
