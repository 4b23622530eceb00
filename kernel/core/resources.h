// The kernel's resource snapshot (abi/rebound/diagnostics.h): take one before
// and after an operation -- including one that faults and unwinds -- and
// require them to be the same.
#pragma once
#include "rebound/diagnostics.h"

namespace core {

using ResourceSnapshot = rebound_resource_snapshot;

ResourceSnapshot take_snapshot();
// Equal in every counter a leak would move (not limits or failure counts).
bool same_resources(const ResourceSnapshot& a, const ResourceSnapshot& b);
// Logs the counters that differ (for a failing test).
void print_differences(const ResourceSnapshot& before, const ResourceSnapshot& after);
void print_snapshot(const ResourceSnapshot& s);

}  // namespace core
