#pragma once
#include <stdexcept>
#include <string>

namespace ionbath {

// Invalid user input (configuration key, value or file). The CLI maps it to exit code 2.
class InputError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

} // namespace ionbath
