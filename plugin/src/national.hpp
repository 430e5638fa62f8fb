// The national platform's JSON at the front door: interfaces 3101 and 3102
// (pre- and in-event review) become a check, 3103 (the doctor's answer to
// a warning) becomes feedback, and the answers are the national output
// envelope.  docs/nhsa.md gives the mapping field by field.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "request.hpp"
#include "responses.hpp"

namespace medlint {

// Whether the request's first byte that is not blank is '{': a national envelope.
bool is_national(std::string_view request) noexcept;

// Parses and validates a national envelope into the operation it asks for:
// 3101 and 3102 a check, 3103 feedback.  Throws MEDLINT_EPARSE with a
// message that starts with the JSON path of the field at fault, e.g.
// "input.data.patient_dtos[0].gend: ...".  With `only` (medlint_call_as),
// an envelope of another operation is refused before its input is read.
Request parse_national_request(std::string_view bytes, std::optional<std::string_view> only = std::nullopt);

// The <check> document of contract section 2 for a 3101 or 3102 envelope:
// the Document parse_national_request reads, written by document_request.  A
// 3103 is refused as medlint_call_as(..., "check", ...) refuses it.
std::string translate_national_request(std::string_view bytes);

// The answer to 3101/3102: infcode 0 and one output.result element per finding.
std::string national_check_result(const CheckAnswer &answer, const NationalEnvelope &envelope);
// The answer to 3103: infcode 0 and how many answers were recorded.
std::string national_feedback_result(const Feedback &feedback, const NationalEnvelope &envelope);
// The answer to any failure: infcode -1 and err_msg.
std::string national_error(const std::string &message);

}  // namespace medlint
