// Status and Result<T>: how the control path reports errors (a code and a readable message).
// Threading: value types; safe from any thread.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace rounds {

struct Error {
  std::string code;     // stable, machine-readable: "bad_request", "sdp_invalid", ...
  std::string message;  // for a person: what is wrong and, where it helps, which field
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;

inline Error makeError(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

}  // namespace rounds
