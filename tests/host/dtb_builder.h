// Builds small flattened device trees for host tests: the cases QEMU's own
// tree does not have.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

class DtbBuilder {
 public:
  DtbBuilder& begin(const std::string& name) {
    token(1);
    bytes(name.c_str(), name.size() + 1);
    return *this;
  }
  DtbBuilder& end() {
    token(2);
    return *this;
  }
  DtbBuilder& prop(const std::string& name, const std::vector<uint8_t>& value) {
    token(3);
    token(static_cast<uint32_t>(value.size()));
    token(string_offset(name));
    bytes(value.data(), value.size());
    return *this;
  }
  DtbBuilder& prop_cells(const std::string& name, std::initializer_list<uint32_t> cells) {
    std::vector<uint8_t> v;
    for (uint32_t c : cells) append_be32(v, c);
    return prop(name, v);
  }
  // Strings separated by NULs, as in "compatible".
  DtbBuilder& prop_strings(const std::string& name, std::initializer_list<std::string> list) {
    std::vector<uint8_t> v;
    for (const auto& s : list) v.insert(v.end(), s.c_str(), s.c_str() + s.size() + 1);
    return prop(name, v);
  }
  std::vector<uint8_t> finish() {
    token(9);
    std::vector<uint8_t> blob;
    const uint32_t off_struct = 40 + 16;  // header, then an empty reservation map
    const uint32_t off_strings = off_struct + static_cast<uint32_t>(struct_.size());
    const uint32_t total = off_strings + static_cast<uint32_t>(strings_.size());
    for (uint32_t v :
         {0xd00dfeedu, total, off_struct, off_strings, 40u, 17u, 16u, 0u,
          static_cast<uint32_t>(strings_.size()), static_cast<uint32_t>(struct_.size())})
      append_be32(blob, v);
    blob.resize(off_struct, 0);
    blob.insert(blob.end(), struct_.begin(), struct_.end());
    blob.insert(blob.end(), strings_.begin(), strings_.end());
    return blob;
  }

 private:
  static void append_be32(std::vector<uint8_t>& v, uint32_t x) {
    for (int shift = 24; shift >= 0; shift -= 8) v.push_back(static_cast<uint8_t>(x >> shift));
  }
  void token(uint32_t t) { append_be32(struct_, t); }
  void bytes(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    struct_.insert(struct_.end(), b, b + n);
    while (struct_.size() % 4 != 0) struct_.push_back(0);
  }
  uint32_t string_offset(const std::string& name) {
    const auto at = static_cast<uint32_t>(strings_.size());
    strings_.insert(strings_.end(), name.c_str(), name.c_str() + name.size() + 1);
    return at;
  }
  std::vector<uint8_t> struct_, strings_;
};
