// The audit's report files.  Each shows the same content: what was checked,
// what was not and why, the totals, and every finding.  Nothing in them
// depends on the time or the machine, so the same input gives the same bytes.
#pragma once
#include <ostream>
#include <string>

#include "audit_report.hpp"

namespace medlint::cli {

// RFC 4180, UTF-8: a header row, then one row per finding, lines ending in
// CRLF.  A field holding a comma, a quote, CR or LF is quoted, its quotes
// doubled.  Findings only: the totals and the run's state are in the other
// reports, so that the file loads as one table.
void write_csv_report(std::ostream &out, const AuditReport &report);

// One JSON object for business-intelligence tools: totals, the tallies by
// rule, department and physician, the documents, and every finding with the
// CSV's columns.
void write_json_report(std::ostream &out, const AuditReport &report, const AuditSummary &summary);

// One self-contained page: inline CSS, SVG charts and a little script to
// sort the findings table; nothing to fetch or install.  Each finding links
// to its document by the path relative to `page_path`, where the page is
// written.
void write_html_report(std::ostream &out, const AuditReport &report, const AuditSummary &summary,
                       const std::string &page_path);

}  // namespace medlint::cli
