// Package dashboard serves the live cluster dashboard of the TinyKV scheduler at /dashboard: one
// embedded HTML page (vanilla JS and CSS, no external assets) that polls bounded JSON APIs under
// /dashboard/api/ for stores, regions, replica placement and recent operators.
//
// The APIs read a Source through a short-lived snapshot cache, so many open browsers cost one walk
// over the regions per cache period, and every response is bounded (paging, at most MaxBuckets
// buckets) whatever the region count.
package dashboard
