#include "servers/fs/ext2/path.h"

namespace tas::fs::ext2 {

namespace {

// Splits the next component off `rest`: the text up to the next '/', with
// the slashes before and after it gone. Empty when none is left. (By hand:
// the TAS has no string_view::find or substr, which need libstdc++.)
std::string_view next_component(std::string_view& rest) {
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  size_t end = 0;
  while (end < rest.size() && rest[end] != '/') ++end;
  const std::string_view part(rest.data(), end);
  rest.remove_prefix(end);
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  return part;
}

// Walks every component of `path` from `at`.
Result<uint32_t> walk(FileSystem& fs, std::string_view path, uint32_t at) {
  std::string_view rest = path;
  while (!rest.empty()) {
    const std::string_view part = next_component(rest);
    if (part.empty() || part == ".") {
      TRY(s, fs.stat(at));
      if (s.type != FileType::directory) return fail(Error::not_a_directory);
      continue;
    }
    TRY(next, fs.lookup(at, part));
    at = next;
  }
  return at;
}

uint32_t start_of(std::string_view path, uint32_t start) {
  return !path.empty() && path.front() == '/' ? FileSystem::root() : start;
}

}  // namespace

Result<uint32_t> resolve(FileSystem& fs, std::string_view path, uint32_t start) {
  if (path.empty()) return fail(Error::not_found);
  return walk(fs, path, start_of(path, start));
}

Result<ParentAndName> resolve_parent(FileSystem& fs, std::string_view path, uint32_t start) {
  // The last component, trailing slashes aside.
  size_t end = path.size();
  while (end > 0 && path[end - 1] == '/') --end;
  size_t begin = end;
  while (begin > 0 && path[begin - 1] != '/') --begin;
  const std::string_view name(path.data() + begin, end - begin);
  if (name.empty()) return fail(Error::invalid_argument);
  TRY(dir, walk(fs, std::string_view(path.data(), begin), start_of(path, start)));
  TRY(s, fs.stat(dir));
  if (s.type != FileType::directory) return fail(Error::not_a_directory);
  return ParentAndName{dir, name};
}

}  // namespace tas::fs::ext2
