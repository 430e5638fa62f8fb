#include "national.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <set>

#include "encoding.hpp"
#include "error.hpp"
#include "request_xml.hpp"
#include "version.hpp"

namespace medlint {
namespace json = boost::json;

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// A value of the request with its JSON path, read field by field; every
// error names the path.  Absent members and JSON null read as "not given".
class Field {
public:
    Field(const json::value *value, std::string path) : value_(value), path_(std::move(path)) {}

    const std::string &path() const { return path_; }
    bool given() const { return value_ && !value_->is_null(); }
    bool is_string() const { return given() && value_->is_string(); }

    Field member(const char *key) const {
        std::string path = path_.empty() ? key : path_ + "." + key;
        const json::object *object = given() ? value_->if_object() : nullptr;
        if (given() && !object) error("is " + described() + ", not an object");
        const json::value *found = object ? object->if_contains(key) : nullptr;
        return Field(found, path);
    }

    // The object at this path; an error when absent or of another type.
    Field object() const {
        if (!given()) error("is required but missing");
        if (!value_->is_object()) error("is " + described() + ", not an object");
        return *this;
    }

    // The elements of a collection (集合).  The spec's collections are
    // arrays, and some clients send a lone object for one element.
    std::vector<Field> elements() const {
        std::vector<Field> out;
        if (!given()) return out;
        if (value_->is_object()) {
            out.push_back(*this);
            return out;
        }
        const json::array *array = value_->if_array();
        if (!array) error("is " + described() + ", not an array");
        for (size_t i = 0; i < array->size(); ++i) out.emplace_back(&(*array)[i], path_ + "[" + std::to_string(i) + "]");
        return out;
    }

    // Text from a string or a number ("" when not given); C0 controls but
    // tab, line feed and carriage return are refused, as in XML requests.
    std::string text() const {
        if (!given()) return "";
        switch (value_->kind()) {
            case json::kind::string: {
                std::string text(value_->get_string());
                if (has_control_characters(text))
                    error("holds a control character; only tab, line feed and carriage return are allowed");
                return text;
            }
            case json::kind::int64: return std::to_string(value_->get_int64());
            case json::kind::uint64: return std::to_string(value_->get_uint64());
            case json::kind::double_: {
                char buffer[32];
                std::snprintf(buffer, sizeof buffer, "%.15g", value_->get_double());
                return buffer;
            }
            default: error("is " + described() + ", not text or a number");
        }
    }

    std::string required_text() const {
        std::string value = text();
        if (!given()) error("is required but missing");
        if (value.empty()) error("is required but empty");
        return value;
    }

    // A number from 0 to `max`, sent as a number or as a string holding one.
    double number(double fallback, double max) const {
        if (!given()) return fallback;
        double value = 0;
        if (value_->is_number()) {
            value = value_->to_number<double>();
        } else {
            std::string text = this->text();
            if (text.empty()) return fallback;
            char *end = nullptr;
            errno = 0;
            value = std::strtod(text.c_str(), &end);
            if (*end != '\0' || errno != 0 || text.find_first_of(" \t\r\n") != std::string::npos)
                error(quoted() + " is not a number");
        }
        if (!std::isfinite(value) || value < 0 || value > max) {
            char limit[32];
            std::snprintf(limit, sizeof limit, "%.0f", max);
            error("is " + quoted() + ", not a number from 0 to " + limit);
        }
        return value;
    }

    // yyyy-MM-dd, or yyyy-MM-dd HH:mm:ss (China time), within the supported dates.
    std::optional<Date> date() const {
        std::string text = this->text();
        if (text.empty()) return std::nullopt;
        std::optional<Date> date = text.size() == 10 ? Date::parse(text) : parse_timestamp_date(text + "+08:00");
        if (!date) error("is " + quoted() + ", not a date in the form yyyy-MM-dd or yyyy-MM-dd HH:mm:ss");
        if (!is_supported(*date))
            error("is " + quoted() + ", outside the supported dates " + kFirstSupportedDate + " to " +
                  kLastSupportedDate);
        return date;
    }

    // 0 or 1 (否, 是), as text or a number; `fallback` when not given.
    bool flag(bool fallback) const {
        std::string text = this->text();
        if (text.empty()) return fallback;
        if (text == "1") return true;
        if (text == "0") return false;
        error("is " + quoted() + "; expected 0 or 1");
    }

    [[noreturn]] void error(const std::string &problem) const {
        fail(MEDLINT_EPARSE, (path_.empty() ? std::string("request") : path_) + ": " + problem);
    }

    // The value as the request spells it, cut short when long, never inside
    // a character: the message goes back in a UTF-8 JSON envelope.
    std::string quoted() const {
        std::string text = given() ? json::serialize(*value_) : "null";
        constexpr size_t kShown = 60;
        if (text.size() <= kShown) return text;
        size_t cut = kShown;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // a continuation byte
        return text.substr(0, cut) + "...";
    }

private:
    std::string described() const {
        switch (value_->kind()) {
            case json::kind::object: return "an object";
            case json::kind::array: return "an array";
            case json::kind::bool_: return quoted() + " (true or false)";
            default: return quoted();
        }
    }

    const json::value *value_;
    std::string path_;
};

// "line 3, column 7" of byte `offset`.
std::string position(std::string_view text, size_t offset) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// `what` names the text in errors: "request", or the member that holds it.
json::value parse_json(std::string_view text, const std::string &what) {
    if (auto problem = utf8_problem(text)) fail(MEDLINT_EPARSE, what + " is not UTF-8 JSON: " + *problem);
    json::stream_parser parser;
    json::error_code error;
    size_t read = parser.write_some(text.data(), text.size(), error);
    if (!error && read < text.size()) error = json::error::extra_data;
    if (!error) parser.finish(error);
    if (error)
        fail(MEDLINT_EPARSE, what + " is not well-formed JSON: " + error.message() + " at " + position(text, read));
    return parser.release();
}

// trig_scen: scenes 1 to 5 come before the fact (事前: registration,
// charging, orders), 6 to 10 at settlement (事中).  A list ("1,2") takes its
// latest phase.  Without a scene, 3102 is the in-event (settlement) call.
Mode mode_of(const Field &scene, const std::string &infno) {
    std::string text = scene.text();
    if (text.empty()) return infno == "3102" ? Mode::settlement : Mode::prescribing;
    Mode mode = Mode::prescribing;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = std::min(text.find(',', start), text.size());
        std::string one = text.substr(start, end - start);
        static const std::set<std::string> kScenes{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"};
        if (!kScenes.count(one)) scene.error("is " + scene.quoted() + "; expected scenes 1 to 10, e.g. \"4\" or \"1,2\"");
        if (std::stoi(one) >= 6) mode = Mode::settlement;
        start = end + 1;
    }
    return mode;
}

bool inpatient_scene(const std::string &scene) {
    for (const char *inpatient : {"3", "4", "5", "8", "9"})
        if (scene == inpatient) return true;
    return false;
}

// med_type (医疗类别): 2x (住院) and 52 (生育住院) are inpatient, 13 (急诊)
// is emergency, the rest outpatient.  Without it, the scene says whether
// the stay is inpatient (住院 scenes 3, 4, 5, 8, 9).  med_mdtrt_type is not
// read: the sources disagree on its codes.
std::string encounter_type(const std::string &med_type, const std::string &scene) {
    if (med_type.empty()) return inpatient_scene(scene) ? "inpatient" : "outpatient";
    if (med_type[0] == '2' || med_type == "52") return "inpatient";
    if (med_type == "13") return "emergency";
    return "outpatient";
}

// Two-digit codes sent as numbers lose their leading zero: 9 is "09".
std::string two_digits(std::string code) { return code.size() == 1 ? "0" + code : code; }

// The contract's kind of an order, by its catalogue class (hilist_type),
// else by its charge class (chrg_type), which also tells the medical
// services apart: test, exam or treatment.
std::string item_kind(const Field &order) {
    Field list_field = order.member("hilist_type");
    std::string list_type = list_field.text(), charge = two_digits(order.member("chrg_type").text());
    if (list_type == "101" || list_type == "103" || list_type == "104") return "drug";
    if (list_type == "102" || list_type == "106") return "herb";
    if (list_type == "301") return "material";
    if (charge == "03") return "exam";
    if (charge == "04") return "test";
    if (charge == "05" || charge == "06") return "treatment";
    if (charge == "08") return "material";
    if (charge == "09" || charge == "11") return "drug";
    if (charge == "10") return "herb";
    if (list_type == "201" || list_type == "501" || (!charge.empty() && charge <= "14")) return "service";
    list_field.error("is " + list_field.quoted() + " and chrg_type is \"" + charge +
                     "\": the order's kind is unknown; expected hilist_type 101, 102, 103, 104, 106, 201, 301 or 501");
}

// hilist_lv: 01 甲 A, 02 乙 B, 03 丙 C; clients also send 1, 2, 3, and "--" when unknown.
InsuranceClass insurance_class(const Field &level) {
    std::string text = two_digits(level.text());
    if (text == "01") return InsuranceClass::a;
    if (text == "02") return InsuranceClass::b;
    if (text == "03") return InsuranceClass::c;
    if (text.empty() || text == "--") return InsuranceClass::unknown;
    level.error("is " + level.quoted() + "; expected 01, 02 or 03 (甲, 乙, 丙), or \"--\" when not known");
}

// medins_lv: 1 一级, 2 二级, 3 三级, also as 01 to 03; any other code
// (no national table was found) leaves the level unknown.
std::string institution_level(const Field &level) {
    std::string text = two_digits(level.text());
    if (text == "01" || text == "02" || text == "03") return text.substr(1);
    return "";
}

// insutype, the national 险种 codes: 310 职工基本医疗保险 with 320 and 330,
// its supplements; 390 城乡居民基本医疗保险 with 392, its serious-illness
// cover; 410 工伤保险; 510 生育保险.  Another three-digit code is a scheme
// no rule tells apart (340 离休人员医疗保障, say): other.
std::string insurance(const Field &field) {
    std::string code = field.text();
    if (code.empty()) return "";
    if (code == "310" || code == "320" || code == "330") return "employee";
    if (code == "390" || code == "392") return "resident";
    if (code == "410") return "work-injury";
    if (code == "510") return "maternity";
    bool three_digits = code.size() == 3 && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!three_digits) field.error("is " + field.quoted() + ", not a national insutype code (310, 390, 510...)");
    return "other";
}

// gend (GB/T 2261.1): 1 male, 2 female, 0 and 9 unknown.
std::string gender(const Field &field) {
    std::string text = field.text();
    if (text == "1") return "M";
    if (text == "2") return "F";
    if (text.empty() || text == "0" || text == "9") return "U";
    field.error("is " + field.quoted() + "; expected 1 (male), 2 (female), 0 or 9 (unknown)");
}

Patient read_patient(const Field &field) {
    Patient patient;
    // patn_id is the insurance's person number, not a resident id.
    patient.id_type = "other";
    patient.id = field.member("patn_id").required_text();
    patient.insurance_no = patient.id;
    patient.name = field.member("patn_name").text();
    patient.gender = gender(field.member("gend"));
    patient.birth_date = field.member("brdy").date();
    return patient;
}

// The encounter the request is about: curr_mdtrt_id names it among
// fsi_encounter_dtos; a lone encounter needs no name.
Field current_encounter(const Field &patient) {
    Field list = patient.member("fsi_encounter_dtos");
    std::vector<Field> encounters = list.elements();
    if (encounters.empty()) list.error("is required but has no encounter");
    std::string current = patient.member("curr_mdtrt_id").text();
    for (const auto &encounter : encounters)
        if (!current.empty() && encounter.member("mdtrt_id").text() == current) return encounter;
    if (encounters.size() == 1 && current.empty()) return encounters.front();
    if (current.empty()) patient.member("curr_mdtrt_id").error("is required when there is more than one encounter");
    patient.member("curr_mdtrt_id").error("is \"" + current + "\", which no fsi_encounter_dtos[].mdtrt_id names");
}

void read_diagnoses(const Field &encounter_field, Encounter &encounter) {
    for (const auto &field : encounter_field.member("fsi_diagnose_dtos").elements())
        encounter.diagnoses.push_back({field.member("dise_codg").required_text(), field.member("dise_name").text(),
                                       field.member("maindise_flag").flag(false), 0});
    // The discharge main diagnosis stands in for a missing maindise_flag.
    std::string main_code = encounter_field.member("dscg_main_dise_codg").text();
    const Diagnosis *primary = encounter.primary_diagnosis();
    if (main_code.empty() || (primary && primary->primary)) return;
    for (auto &diagnosis : encounter.diagnoses)
        if (diagnosis.code == main_code) {
            diagnosis.primary = true;
            return;
        }
    encounter.diagnoses.insert(encounter.diagnoses.begin(),
                               {main_code, encounter_field.member("dscg_main_dise_name").text(), true, 0});
}

Encounter read_encounter(const Field &field, const std::string &scene) {
    Encounter encounter;
    encounter.id = field.member("mdtrt_id").required_text();
    encounter.type = encounter_type(field.member("med_type").text(), scene);
    encounter.insurance = insurance(field.member("insutype"));
    Field admitted = field.member("adm_date"), discharged = field.member("dscg_date");
    encounter.admitted = admitted.date();
    encounter.discharged = discharged.date();
    if (encounter.is_inpatient() && !encounter.admitted) admitted.error("is required for an inpatient encounter");
    if (encounter.admitted && encounter.discharged && *encounter.discharged < *encounter.admitted)
        discharged.error("is " + discharged.quoted() + ", before the admission on " + encounter.admitted->str());
    read_diagnoses(field, encounter);
    return encounter;
}

Item read_item(const Field &field, const Document &document, std::optional<Date> default_date) {
    Item item;
    item.id = field.member("rx_id").required_text();
    item.kind = item_kind(field);
    item.code = field.member("hilist_code").text();
    if (item.code.empty()) item.code = field.member("hosplist_code").text();
    if (item.code.empty()) field.member("hilist_code").error("is required but missing (and so is hosplist_code)");
    item.name = field.member("hilist_name").text();
    if (item.name.empty()) item.name = field.member("hosplist_name").text();
    item.unit = field.member("spec_unt").text();
    item.prescription = field.member("rxno").text();
    item.insurance_class = insurance_class(field.member("hilist_lv"));
    item.physician = field.member("drord_dr_codg").text();
    item.own_physician = !item.physician.empty();
    if (!item.own_physician) item.physician = document.physician_code();
    item.quantity = field.member("cnt").number(item.quantity, kMaxQuantity);
    item.price = field.member("pric").number(item.price, kMaxPrice);
    Field begun = field.member("drord_begn_date");
    std::optional<Date> date = begun.date();
    if (!date) date = default_date;
    if (!date) begun.error("is required when the envelope has no inf_time");
    item.date = *date;
    item.discharge_medication = field.member("drord_bhvr").flag(false);
    return item;
}

// inf_time, "yyyy-MM-dd HH:mm:ss" in China time, as the contract's ISO 8601 time.
std::string document_time(const Field &field) {
    std::string text = field.text();
    if (text.empty()) return "";
    std::string iso = text;
    if (iso.size() > 10 && iso[10] == ' ') iso[10] = 'T';
    iso += "+08:00";
    auto date = parse_timestamp_date(iso);
    if (!date || text.size() <= 10) field.error("is " + field.quoted() + ", not a time in the form yyyy-MM-dd HH:mm:ss");
    if (!is_supported(*date))
        field.error("is " + field.quoted() + ", outside the supported dates " + kFirstSupportedDate + " to " +
                    kLastSupportedDate);
    return iso;
}

Document read_check(const Field &root, const Field &data, NationalEnvelope &envelope, bool commit) {
    Document document;
    document.commit = commit;
    Field scene = data.member("trig_scen");
    document.mode = mode_of(scene, envelope.infno);
    document.time = document_time(root.member("inf_time"));
    envelope.task_id = data.member("task_id").text();

    Field patients = data.member("patient_dtos");
    std::vector<Field> patient_fields = patients.elements();
    if (patient_fields.empty()) patients.error("is required but has no patient");
    if (patient_fields.size() > 1)
        patients.error("holds " + std::to_string(patient_fields.size()) +
                       " patients; send one patient's encounter per request");
    const Field &patient = patient_fields.front();
    document.patient = read_patient(patient);
    Field encounter = current_encounter(patient);
    document.encounter = read_encounter(encounter, scene.text());
    envelope.patient_id = document.patient.id;
    envelope.encounter_id = document.encounter.id;

    std::string institution = encounter.member("medins_id").text();
    if (institution.empty()) institution = root.member("fixmedins_code").text();
    document.institution = {institution, institution_level(encounter.member("medins_lv"))};
    std::string physician = encounter.member("dr_codg").text();
    if (!physician.empty())
        document.physician = PhysicianRef{physician, encounter.member("dr_name").text(),
                                          encounter.member("adm_dept_name").text(), 0};

    std::optional<Date> default_date =
        document.time.empty() ? std::nullopt : parse_timestamp_date(document.time);
    std::set<std::string> ids;
    for (const auto &order : encounter.member("fsi_order_dtos").elements()) {
        document.items.push_back(read_item(order, document, default_date));
        if (!ids.insert(document.items.back().id).second)
            order.member("rx_id").error("is \"" + document.items.back().id + "\", which an earlier order has");
    }
    return document;
}

Feedback read_answers(const Field &root, const Field &data) {
    Feedback feedback{root.member("opter").required_text(), document_time(root.member("inf_time")), {}};
    Field warns = data.member("warns");
    for (const auto &warn : warns.elements()) {
        FeedbackEntry entry;
        entry.finding_id = warn.member("warn_rslt_id").required_text();
        Field way = warn.member("dspo_way");
        std::string code = way.required_text();
        if (code != "1" && code != "2") way.error("is " + way.quoted() + "; expected 1 (continue) or 2 (modify)");
        entry.action = code == "1" ? "override" : "accept";
        entry.reason = warn.member("dspo_way_rea").text();
        if (entry.action == "override" && entry.reason.empty())
            warn.member("dspo_way_rea").error("is required when dspo_way is 1 (continue with the order)");
        feedback.entries.push_back(std::move(entry));
    }
    if (feedback.entries.empty()) warns.error("is required but has no warning answered");
    return feedback;
}

// "yyyyMMddHHmmssSSS" now, in China time.
std::string china_time_now() {
    using namespace std::chrono;
    auto now = system_clock::now() + hours(8);
    std::time_t seconds = system_clock::to_time_t(now);
    std::tm civil{};
    gmtime_r(&seconds, &civil);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y%m%d%H%M%S", &civil);
    auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::snprintf(buffer + 14, sizeof buffer - 14, "%03d", static_cast<int>(millis));
    return buffer;
}

// The envelope around every answer.  inf_refmsgid is the receiver's
// message id: region (6), time (14), serial (10).
json::object envelope_of(int infcode, const std::string &err_msg, const std::string &admdvs) {
    static std::atomic<unsigned long long> serial{0};
    std::string time = china_time_now();
    std::string region = admdvs.size() == 6 ? admdvs : "000000";
    char number[16];
    std::snprintf(number, sizeof number, "%010llu", ++serial % 10000000000ULL);
    json::object out;
    out["infcode"] = infcode;
    out["inf_refmsgid"] = region + time.substr(0, 14) + number;
    out["refmsg_time"] = time;
    out["respond_time"] = time;
    out["err_msg"] = err_msg;
    return out;
}

// JSON text in which every floating-point number is an amount of money,
// written with two decimals ("1153.00", not Boost.JSON's "1.153E3").
void write(std::string &out, const json::value &value) {
    switch (value.kind()) {
        case json::kind::object: {
            out += '{';
            const char *separator = "";
            for (const auto &member : value.get_object()) {
                out += separator;
                out += json::serialize(json::string(member.key()));
                out += ':';
                write(out, member.value());
                separator = ",";
            }
            out += '}';
            return;
        }
        case json::kind::array: {
            out += '[';
            const char *separator = "";
            for (const auto &element : value.get_array()) {
                out += separator;
                write(out, element);
                separator = ",";
            }
            out += ']';
            return;
        }
        case json::kind::double_: {
            char buffer[48];
            std::snprintf(buffer, sizeof buffer, "%.2f", value.get_double());
            out += buffer;
            return;
        }
        default: out += json::serialize(value);
    }
}

std::string to_text(const json::object &object) {
    std::string out;
    write(out, object);
    out += '\n';
    return out;
}

// Amounts in fen, so that a sum of lines is exact.
long long fen_of(const Item &item) { return std::llround(item.price * item.quantity * 100); }

// sev_deg (no national table was found): 1 block, 2 warning, 3 info.
const char *severity_degree(Severity severity) {
    switch (severity) {
        case Severity::block: return "1";
        case Severity::warning: return "2";
        default: return "3";
    }
}

json::object result_of(const Reported &out, const CheckAnswer &answer, const NationalEnvelope &envelope) {
    json::array details;
    long long total = 0;
    for (const auto &id : out.finding.items) {
        const Item *item = answer.document.find_item(id);
        long long fen = item ? fen_of(*item) : 0;
        total += fen;
        json::object detail;
        detail["jrd_id"] = out.id + "-" + id;
        detail["patn_id"] = envelope.patient_id;
        detail["mdtrt_id"] = envelope.encounter_id;
        detail["rx_id"] = id;
        detail["vola_item_type"] = "1";  // 违规项: each item the finding names is at fault
        detail["vola_amt"] = static_cast<double>(fen) / 100;
        details.push_back(std::move(detail));
    }
    json::object result;
    result["jr_id"] = out.id;
    result["rule_id"] = out.finding.rule;
    result["rule_name"] = out.finding.rule;
    result["vola_cont"] = out.message;
    result["patn_id"] = envelope.patient_id;
    result["mdtrt_id"] = envelope.encounter_id;
    result["judge_result_detail_dtos"] = std::move(details);
    result["vola_amt"] = static_cast<double>(total) / 100;
    result["vola_amt_stas"] = "1";  // 正常: computed from the lines' price and quantity
    result["sev_deg"] = severity_degree(out.severity);
    result["vola_evid"] = out.basis;
    // vola_bhvr_type (no national table was found): 1 a definite violation, 2 a suspected one.
    result["vola_bhvr_type"] = out.certainty == Certainty::definite ? "1" : "2";
    result["task_id"] = envelope.task_id;

    json::object extra;
    extra["severity"] = to_string(out.severity);
    extra["certainty"] = to_string(out.certainty);
    extra["points"] = out.points;
    extra["physician"] = out.physician;
    extra["stands"] = out.stands();
    extra["overridden"] = out.overridden();
    extra["feedback"] = out.feedback ? out.feedback->action : "";
    extra["reason"] = out.overridden() ? out.feedback->reason : "";
    extra["evidence"] = out.evidence;
    extra["suggestion"] = out.suggestion;
    extra["action"] = out.finding.action;
    result["medlint"] = std::move(extra);
    return result;
}

}  // namespace

bool is_national(std::string_view request) noexcept {
    if (request.substr(0, kBom.size()) == kBom) request.remove_prefix(kBom.size());
    size_t first = request.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && request[first] == '{';
}

Request parse_national_request(std::string_view bytes, std::optional<std::string_view> only) {
    if (bytes.substr(0, kBom.size()) == kBom) bytes.remove_prefix(kBom.size());
    json::value value = parse_json(bytes, "request");
    Field root(&value, "");
    root.object();
    NationalEnvelope envelope;
    Field infno = root.member("infno");
    envelope.infno = infno.required_text();
    envelope.admdvs = root.member("mdtrtarea_admvs").text();
    if (envelope.infno != "3101" && envelope.infno != "3102" && envelope.infno != "3103")
        infno.error("is " + infno.quoted() + ", an interface medlint does not answer; expected 3101, 3102 or 3103");
    std::string operation = envelope.infno == "3103" ? "feedback" : "check";
    if (only)
        operation = restricted_operation(operation, *only, "infno: is \"" + envelope.infno + "\" (<" + operation + ">)");
    // input is a JSON object; some clients send it as a string holding one.
    Field input = root.member("input");
    json::value nested;
    if (input.is_string()) {
        nested = parse_json(input.text(), "input (a string holding JSON)");
        input = Field(&nested, "input");
    }
    Field data = input.object().member("data").object();
    Request request;
    if (envelope.infno == "3103") request.operation = read_answers(root, data);
    else request.operation = read_check(root, data, envelope, operation == "commit");
    request.national = std::move(envelope);
    return request;
}

std::string translate_national_request(std::string_view bytes) {
    return document_request(std::get<Document>(parse_national_request(bytes, "check").operation));
}

std::string national_check_result(const CheckAnswer &answer, const NationalEnvelope &envelope) {
    json::array results;
    for (const auto &out : answer.reported) results.push_back(result_of(out, answer, envelope));
    json::object physician;
    physician["code"] = answer.physician.code;
    physician["year"] = answer.physician.year;
    physician["deducted"] = answer.physician.deducted;
    physician["bonus"] = answer.physician.bonus;
    physician["remaining"] = answer.physician.remaining;
    physician["standing"] = to_string(answer.physician.standing);
    physician["until"] = answer.physician.until;
    physician["at_risk"] = answer.outcome.at_risk;
    physician["projected"] = to_string(answer.projected);
    json::object extra;
    extra["status"] = to_string(answer.outcome.status);
    extra["mode"] = to_string(answer.document.mode);
    extra["engine"] = kVersion;
    extra["rules"] = answer.rules;
    extra["service_date"] = answer.service_date.str();
    extra["physician"] = std::move(physician);
    json::array unknown_codes;
    for (const auto &unknown : answer.unknown_codes)
        unknown_codes.push_back({{"code", unknown.code}, {"rx_ids", json::array(unknown.items.begin(), unknown.items.end())}});
    extra["unknown_codes"] = std::move(unknown_codes);
    extra["unknown_diagnoses"] = json::array(answer.unknown_diagnoses.begin(), answer.unknown_diagnoses.end());
    extra["elapsed_us"] = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - answer.start)
                              .count();
    json::object output;
    output["result"] = std::move(results);
    output["medlint"] = std::move(extra);
    json::object out = envelope_of(0, "", envelope.admdvs);
    out["output"] = std::move(output);
    return to_text(out);
}

std::string national_feedback_result(const Feedback &feedback, const NationalEnvelope &envelope) {
    json::object extra;
    extra["recorded"] = feedback.entries.size();
    json::object output;
    output["medlint"] = std::move(extra);
    json::object out = envelope_of(0, "", envelope.admdvs);
    out["output"] = std::move(output);
    return to_text(out);
}

std::string national_error(const std::string &message) {
    json::object out = envelope_of(-1, message, "");
    out["output"] = nullptr;
    return to_text(out);
}

}  // namespace medlint
