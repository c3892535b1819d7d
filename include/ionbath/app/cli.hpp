#pragma once

namespace ionbath::app {
// Entry point of the ionbath executable: parses the command line and dispatches to a subcommand.
// Exit codes: 0 success, 1 runtime failure, 2 invalid input (configuration, file, option).
int main(int argc, char **argv);
} // namespace ionbath::app
