// How deeply JSON text nests arrays and objects, counted without parsing it.
//
// nlohmann::json parses without recursion but copies, compares and prints values
// recursively, so a value nested a few hundred thousand levels deep (easily sent in a
// 1 MB Socket.IO packet) overflows the stack of whoever copies it. Text from clients and
// from other processes is therefore checked before it is parsed into values that travel.
#pragma once

#include <cstddef>
#include <string_view>

namespace la {

// True if no array or object in `text` lies more than `limit` levels deep ("[]" is one
// level, "[[1]]" two, a scalar zero). Brackets inside strings do not count. The text need
// not be valid JSON (the parser judges that); the scan stops at the first level too deep.
bool JsonDepthWithin(std::string_view text, size_t limit);

}  // namespace la
