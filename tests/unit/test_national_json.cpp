// The national JSON envelope (docs/nhsa.md): 3101/3102 checks and 3103
// feedback through medlint_call, the mapping field by field both ways,
// the real example request, every error the envelope can answer, and its
// translation to the contract's XML by medlint_translate.
// Links the engine's objects for parse_national_request and Boost.JSON.
#include "national.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "../document_differences.hpp"
#include "request.hpp"
#include "request_xml.hpp"
#include "store_backends.hpp"
#include "support.hpp"

using namespace medlint;
using test::contains;
using test::Scratch;
namespace json = boost::json;

#ifndef MEDLINT_NHSA_EXAMPLE
#error "MEDLINT_NHSA_EXAMPLE must name tests/nhsa/example-3101-request.json (set by tests/unit/CMakeLists.txt)"
#endif

namespace {

// A small 3101 request: an outpatient (med_type 11) man, two orders of
// which the second is a female-only drug of the national pack.
const char *const kRequest = R"({
  "infno": "3101", "msgid": "H43079900001202611230930000001", "mdtrtarea_admvs": "430799",
  "opter": "D430799000001", "inf_time": "2026-11-23 09:30:00", "fixmedins_code": "H43079900001",
  "input": {"data": {
    "syscode": "HIS", "trig_scen": "2", "task_id": "T1",
    "patient_dtos": [{
      "patn_id": "43000000000000000001", "patn_name": "张三", "gend": "1", "brdy": "1980-01-01",
      "poolarea": "430700", "curr_mdtrt_id": "MZ001",
      "fsi_encounter_dtos": [{
        "mdtrt_id": "MZ001", "medins_id": "H43079900001", "medins_lv": "03",
        "adm_date": "2026-11-23 09:00:00", "dscg_date": "2026-11-23 09:00:00",
        "dscg_main_dise_codg": "E11.900", "dscg_main_dise_name": "2型糖尿病",
        "dr_codg": "D430799000001", "dr_name": "王敏", "adm_dept_name": "内科",
        "med_mdtrt_type": "1", "med_type": "11", "insutype": "310",
        "fsi_diagnose_dtos": [
          {"dise_id": 1, "maindise_flag": 1, "dise_codg": "E11.900", "dise_name": "2型糖尿病"},
          {"dise_id": 2, "maindise_flag": "0", "dise_codg": "I10.x00", "dise_name": "高血压"}],
        "fsi_order_dtos": [
          {"rx_id": "R1", "rxno": "CF001", "hilist_type": "101", "chrg_type": "09", "drord_bhvr": "0",
           "hilist_code": "XA10BAA002A001010101445", "hilist_name": "二甲双胍片", "hilist_lv": "01",
           "cnt": 2, "pric": "12.50", "spec_unt": "盒", "drord_begn_date": "2026-11-23 09:20:00",
           "drord_dr_codg": "D430799000002"},
          {"rx_id": 2, "rxno": "CF001", "hilist_type": "101", "chrg_type": "09", "drord_bhvr": 1,
           "hilist_code": "XG02BAZ061Z007010279543", "hilist_name": "左炔诺孕酮宫内节育系统",
           "hilist_lv": "--", "cnt": "1", "pric": 1153, "spec_unt": "盒"}]
      }]
    }]
  }}
})";

// The request with the value at `path` ("input.data.patient_dtos[0].gend")
// set to `value`, or removed when `value` is nullopt.
std::string with(const std::string &request, const std::string &path, std::optional<json::value> value) {
    json::value root = json::parse(request);
    json::value *at = &root;
    size_t start = 0;
    while (true) {
        size_t end = path.find_first_of(".[", start);
        std::string key = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
        bool last = end == std::string::npos;
        if (!key.empty()) {
            if (last) {
                if (value) at->as_object()[key] = *value;
                else at->as_object().erase(key);
                break;
            }
            at = &at->as_object()[key];
        }
        if (last) break;
        if (path[end] == '[') {
            size_t close = path.find(']', end);
            size_t index = std::stoul(path.substr(end + 1, close - end - 1));
            at = &at->as_array().at(index);
            start = close + 1;
            if (start >= path.size()) break;
            if (path[start] == '.') ++start;
        } else {
            start = end + 1;
        }
    }
    return json::serialize(root);
}

// A value as text: a string's own, else its JSON.
std::string text(const json::value &value) {
    return value.is_string() ? std::string(value.get_string()) : json::serialize(value);
}

const std::string kOrder0 = "input.data.patient_dtos[0].fsi_encounter_dtos[0].fsi_order_dtos[0]";
const std::string kEncounter = "input.data.patient_dtos[0].fsi_encounter_dtos[0]";

// A national answer: the return code, and the envelope read back.
struct Answer {
    int code = MEDLINT_EINTERNAL;
    std::string text;
    json::value envelope;

    const json::array &results() const { return envelope.at("output").at("result").as_array(); }
    std::string err_msg() const { return std::string(envelope.at("err_msg").as_string()); }
    // The one result of `rule` (of an answer that outlives it).
    const json::object &result(const std::string &rule) const && = delete;
    const json::object &result(const std::string &rule) const & {
        const json::object *found = nullptr;
        int count = 0;
        for (const auto &result : results())
            if (result.at("rule_id").as_string() == rule) {
                found = &result.as_object();
                ++count;
            }
        INFO(text);
        REQUIRE(count == 1);
        return *found;
    }
    std::vector<std::string> rules() const {
        std::vector<std::string> out;
        for (const auto &result : results()) out.emplace_back(result.at("rule_id").as_string());
        return out;
    }
};

Answer call(medlint_engine *engine, const std::string &request, const char *only = nullptr) {
    test::Reply reply = test::call_raw(engine, request.data(), request.size(), only);
    Answer answer{reply.code, reply.text, {}};
    INFO(reply.text);
    REQUIRE_FALSE(reply.null_response);
    answer.envelope = json::parse(reply.text);
    return answer;
}

Answer succeeds(medlint_engine *engine, const std::string &request) {
    Answer answer = call(engine, request);
    INFO(answer.text);
    REQUIRE(answer.code == MEDLINT_OK);
    REQUIRE(text(answer.envelope.at("infcode")) == "0");
    return answer;
}

// A refused request: the contract's code, infcode -1 and err_msg, which
// medlint_last_error() repeats; never a pass.
std::string refused(medlint_engine *engine, const std::string &request, int code = MEDLINT_EPARSE) {
    Answer answer = call(engine, request);
    INFO(answer.text);
    CHECK(answer.code == code);
    CHECK(text(answer.envelope.at("infcode")) == "-1");
    CHECK(answer.envelope.at("output").is_null());
    CHECK(answer.err_msg() == medlint_last_error());
    return answer.err_msg();
}

// An engine with the packs built into the library (default, then national),
// as medlint_open(NULL) has them, and a store of its own.
struct NationalEngine {
    Scratch scratch;
    test::Engine engine{scratch.config};
    medlint_engine *get() const { return engine.get(); }
};

std::string answers(const std::vector<std::tuple<std::string, int, std::string>> &warns, bool with_opter = true) {
    json::array list;
    for (const auto &[id, way, reason] : warns)
        list.push_back({{"warn_rslt_id", id}, {"dspo_way", std::to_string(way)}, {"dspo_way_rea", reason}});
    json::object root{{"infno", "3103"}, {"inf_time", "2026-11-23 09:40:00"},
                      {"input", {{"data", {{"warn_type", "1"}, {"warns", list}}}}}};
    if (with_opter) root["opter"] = "D430799000001";
    return json::serialize(root);
}

}  // namespace

TEST_CASE("a 3101 envelope maps to the contract's check, field by field", "[national][mapping]") {
    Request request = parse_national_request(kRequest);
    REQUIRE(request.national);
    CHECK(request.national->infno == "3101");
    CHECK(request.national->admdvs == "430799");
    CHECK(request.national->task_id == "T1");
    CHECK(request.national->patient_id == "43000000000000000001");
    CHECK(request.national->encounter_id == "MZ001");
    const Document &document = std::get<Document>(request.operation);
    CHECK_FALSE(document.commit);
    CHECK(document.mode == Mode::prescribing);  // trig_scen 2, before the fact
    CHECK(document.time == "2026-11-23T09:30:00+08:00");
    CHECK(document.institution.code == "H43079900001");
    CHECK(document.institution.level == "3");
    REQUIRE(document.physician);
    CHECK(document.physician->code == "D430799000001");
    CHECK(document.physician->name == "王敏");
    CHECK(document.physician->dept == "内科");

    CHECK(document.patient.id_type == "other");
    CHECK(document.patient.id == "43000000000000000001");
    CHECK(document.patient.insurance_no == "43000000000000000001");
    CHECK(document.patient.name == "张三");
    CHECK(document.patient.gender == "M");
    CHECK(document.patient.birth_date == Date::parse("1980-01-01"));

    CHECK(document.encounter.id == "MZ001");
    CHECK(document.encounter.type == "outpatient");
    CHECK(document.encounter.admitted == Date::parse("2026-11-23"));
    CHECK(document.encounter.discharged == Date::parse("2026-11-23"));
    REQUIRE(document.encounter.diagnoses.size() == 2);
    CHECK(document.encounter.diagnoses[0].code == "E11.900");
    CHECK(document.encounter.diagnoses[0].name == "2型糖尿病");
    CHECK(document.encounter.diagnoses[0].primary);
    CHECK(document.encounter.diagnoses[1].code == "I10.x00");
    CHECK_FALSE(document.encounter.diagnoses[1].primary);

    REQUIRE(document.items.size() == 2);
    const Item &metformin = document.items[0];
    CHECK(metformin.id == "R1");
    CHECK(metformin.kind == "drug");
    CHECK(metformin.code == "XA10BAA002A001010101445");
    CHECK(metformin.name == "二甲双胍片");
    CHECK(metformin.unit == "盒");
    CHECK(metformin.prescription == "CF001");
    CHECK(metformin.insurance_class == InsuranceClass::a);
    CHECK(metformin.physician == "D430799000002");
    CHECK(metformin.own_physician);
    CHECK(metformin.quantity == 2);
    CHECK(metformin.price == 12.5);
    CHECK(metformin.date == *Date::parse("2026-11-23"));
    CHECK_FALSE(metformin.discharge_medication);
    const Item &system = document.items[1];
    CHECK(system.id == "2");  // a number where the spec has text
    CHECK(system.insurance_class == InsuranceClass::unknown);  // "--"
    CHECK(system.physician == "D430799000001");  // the encounter's dr_codg
    CHECK_FALSE(system.own_physician);
    CHECK(system.quantity == 1);  // "1": text where the spec has a number
    CHECK(system.price == 1153);
    CHECK(system.date == *Date::parse("2026-11-23"));  // inf_time's day, without drord_begn_date
    CHECK(system.discharge_medication);  // drord_bhvr 1, 出院带药

    SECTION("codes in their other spellings") {
        auto item_of = [](const std::string &text) { return std::get<Document>(parse_national_request(text).operation).items[0]; };
        CHECK(item_of(with(kRequest, kOrder0 + ".hilist_lv", json::value("2"))).insurance_class == InsuranceClass::b);
        CHECK(item_of(with(kRequest, kOrder0 + ".hilist_lv", json::value(3))).insurance_class == InsuranceClass::c);
        CHECK(item_of(with(kRequest, kOrder0 + ".hilist_lv", json::value(""))).insurance_class == InsuranceClass::unknown);
        CHECK(item_of(with(kRequest, kOrder0 + ".hilist_type", json::value("102"))).kind == "herb");
        CHECK(item_of(with(kRequest, kOrder0 + ".hilist_type", json::value("301"))).kind == "material");
        std::string service = with(kRequest, kOrder0 + ".hilist_type", json::value("201"));
        CHECK(item_of(with(service, kOrder0 + ".chrg_type", json::value("04"))).kind == "test");
        CHECK(item_of(with(service, kOrder0 + ".chrg_type", json::value(3))).kind == "exam");
        CHECK(item_of(with(service, kOrder0 + ".chrg_type", json::value("05"))).kind == "treatment");
        CHECK(item_of(with(service, kOrder0 + ".chrg_type", json::value("02"))).kind == "service");
        std::string local = with(kRequest, kOrder0 + ".hilist_code", json::value(nullptr));
        CHECK(item_of(with(local, kOrder0 + ".hosplist_code", json::value("YY0001"))).code == "YY0001");
    }
    SECTION("the encounter's type and the mode") {
        auto document_of = [](const std::string &text) { return std::get<Document>(parse_national_request(text).operation); };
        CHECK(document_of(with(kRequest, kEncounter + ".med_type", json::value("21"))).encounter.type == "inpatient");
        CHECK(document_of(with(kRequest, kEncounter + ".med_type", json::value("13"))).encounter.type == "emergency");
        std::string no_type = with(kRequest, kEncounter + ".med_type", std::nullopt);
        CHECK(document_of(no_type).encounter.type == "outpatient");
        CHECK(document_of(with(no_type, "input.data.trig_scen", json::value("4"))).encounter.type == "inpatient");
        CHECK(document_of(with(kRequest, "input.data.trig_scen", json::value("7"))).mode == Mode::settlement);
        CHECK(document_of(with(kRequest, "input.data.trig_scen", json::value("1,6"))).mode == Mode::settlement);
        std::string no_scene = with(kRequest, "input.data.trig_scen", std::nullopt);
        CHECK(document_of(no_scene).mode == Mode::prescribing);
        CHECK(document_of(with(no_scene, "infno", json::value("3102"))).mode == Mode::settlement);
        CHECK(document_of(with(kRequest, kEncounter + ".medins_lv", json::value(1))).institution.level == "1");
        CHECK(document_of(with(kRequest, kEncounter + ".medins_lv", json::value("05"))).institution.level == "");
        CHECK(document_of(with(kRequest, kEncounter + ".medins_lv", json::value("--"))).institution.level == "");
        CHECK(document_of(kRequest).encounter.insurance == "employee");  // insutype 310
        CHECK(document_of(with(kRequest, kEncounter + ".insutype", json::value(390))).encounter.insurance == "resident");
        CHECK(document_of(with(kRequest, kEncounter + ".insutype", json::value("510"))).encounter.insurance == "maternity");
        CHECK(document_of(with(kRequest, kEncounter + ".insutype", json::value("410"))).encounter.insurance ==
              "work-injury");
        CHECK(document_of(with(kRequest, kEncounter + ".insutype", json::value("340"))).encounter.insurance == "other");
        CHECK(document_of(with(kRequest, kEncounter + ".insutype", std::nullopt)).encounter.insurance.empty());
        CHECK(document_of(with(kRequest, "input.data.patient_dtos[0].gend", json::value(2))).patient.gender == "F");
        CHECK(document_of(with(kRequest, "input.data.patient_dtos[0].gend", json::value("9"))).patient.gender == "U");
    }
    SECTION("the discharge main diagnosis stands in for maindise_flag") {
        std::string unflagged =
            with(kRequest, kEncounter + ".fsi_diagnose_dtos[0].maindise_flag", json::value(0));
        auto diagnoses = std::get<Document>(parse_national_request(unflagged).operation).encounter.diagnoses;
        REQUIRE(diagnoses.size() == 2);
        CHECK(diagnoses[0].primary);
        std::string elsewhere = with(unflagged, kEncounter + ".dscg_main_dise_codg", json::value("E14.900"));
        diagnoses = std::get<Document>(parse_national_request(elsewhere).operation).encounter.diagnoses;
        REQUIRE(diagnoses.size() == 3);
        CHECK(diagnoses[0].code == "E14.900");
        CHECK(diagnoses[0].primary);
    }
    SECTION("collections sent as one object, and input as a string holding JSON") {
        json::value root = json::parse(kRequest);
        json::value patient = root.at("input").at("data").at("patient_dtos").at(0);
        json::value encounter = patient.at("fsi_encounter_dtos").at(0);
        patient.as_object()["fsi_encounter_dtos"] = encounter;
        root.at("input").at("data").as_object()["patient_dtos"] = patient;
        root.as_object()["input"] = json::serialize(root.at("input"));
        Request lone = parse_national_request(json::serialize(root));
        CHECK(std::get<Document>(lone.operation).items.size() == 2);
        CHECK(std::get<Document>(lone.operation).encounter.id == "MZ001");
    }
}

TEST_CASE("a 3103 envelope maps to the contract's feedback", "[national][mapping]") {
    Request request = parse_national_request(answers({{"f-1", 1, "已告知患者"}, {"f-2", 2, ""}}));
    CHECK(request.national->infno == "3103");
    const Feedback &feedback = std::get<Feedback>(request.operation);
    CHECK(feedback.physician == "D430799000001");
    CHECK(feedback.time == "2026-11-23T09:40:00+08:00");
    REQUIRE(feedback.entries.size() == 2);
    CHECK(feedback.entries[0].finding_id == "f-1");
    CHECK(feedback.entries[0].action == "override");
    CHECK(feedback.entries[0].reason == "已告知患者");
    CHECK(feedback.entries[1].finding_id == "f-2");
    CHECK(feedback.entries[1].action == "accept");
}

TEST_CASE("a 3101 result says what the contract's check-result says, field by field", "[national][mapping]") {
    NationalEngine engine;
    Answer answer = succeeds(engine.get(), kRequest);
    // The same document as contract XML: the same findings under the same ids.
    test::Doc doc;
    doc.lang = "";
    doc.institution = "H43079900001";
    doc.physician = "D430799000001";
    doc.id_type = "other";
    doc.id = "43000000000000000001";
    doc.name = "张三";
    doc.encounter = "MZ001";
    doc.time = "2026-11-23T09:30:00+08:00";
    doc.diagnoses = {R"(<diagnosis code="E11.900" name="2型糖尿病" primary="true"/>)",
                     R"(<diagnosis code="I10.x00" name="高血压"/>)"};
    doc.items = {R"(<item id="R1" kind="drug" code="XA10BAA002A001010101445" name="二甲双胍片" quantity="2" unit="盒" )"
                 R"(price="12.50" date="2026-11-23" physician="D430799000002" prescription="CF001" insurance-class="A"/>)",
                 R"(<item id="2" kind="drug" code="XG02BAZ061Z007010279543" name="左炔诺孕酮宫内节育系统" quantity="1" )"
                 R"(unit="盒" price="1153" discharge-medication="true" prescription="CF001"/>)"};
    test::Reply xml = engine.engine.ok(doc.str());
    REQUIRE(answer.results().size() == xml.count());
    CHECK(answer.rules() == xml.rules());

    const json::object &result = answer.result("LIMIT-GENDER");
    pugi::xml_node finding = xml.finding("LIMIT-GENDER");
    CHECK(text(result.at("jr_id")) == test::attr(finding, "id"));
    CHECK(text(result.at("rule_name")) == "LIMIT-GENDER");
    CHECK(text(result.at("vola_cont")) == finding.child_value("message"));
    CHECK(text(result.at("vola_evid")) == finding.child_value("basis"));
    CHECK(text(result.at("patn_id")) == "43000000000000000001");
    CHECK(text(result.at("mdtrt_id")) == "MZ001");
    CHECK(text(result.at("task_id")) == "T1");
    CHECK(text(result.at("sev_deg")) == (test::attr(finding, "severity") == "warning" ? "2" : "?"));
    CHECK(text(result.at("vola_bhvr_type")) == (test::attr(finding, "certainty") == "definite" ? "1" : "2"));
    CHECK(text(result.at("vola_amt_stas")) == "1");
    CHECK(result.at("vola_amt").as_double() == 1153);
    const json::array &details = result.at("judge_result_detail_dtos").as_array();
    REQUIRE(details.size() == 1);
    CHECK(text(details[0].at("rx_id")) == "2");
    CHECK(text(details[0].at("jrd_id")) == test::attr(finding, "id") + "-2");
    CHECK(text(details[0].at("vola_item_type")) == "1");
    CHECK(details[0].at("vola_amt").as_double() == 1153);
    CHECK(text(details[0].at("patn_id")) == "43000000000000000001");
    const json::object &extra = result.at("medlint").as_object();
    CHECK(text(extra.at("severity")) == test::attr(finding, "severity"));
    CHECK(text(extra.at("certainty")) == test::attr(finding, "certainty"));
    CHECK(std::to_string(extra.at("points").as_int64()) == test::attr(finding, "points"));
    CHECK(text(extra.at("physician")) == test::attr(finding, "physician"));
    CHECK(text(extra.at("evidence")) == finding.child_value("evidence"));
    CHECK(text(extra.at("suggestion")) == finding.child("suggestion").text().get());
    CHECK(text(extra.at("action")) == test::attr(finding.child("suggestion"), "action"));
    CHECK(text(extra.at("stands")) == "true");
    CHECK(text(extra.at("overridden")) == "false");

    const json::object &output = answer.envelope.at("output").at("medlint").as_object();
    CHECK(text(output.at("status")) == xml.attr("status"));
    CHECK(text(output.at("mode")) == "prescribing");
    CHECK(text(output.at("rules")) == xml.attr("rules"));
    CHECK(text(output.at("service_date")) == xml.attr("service-date"));
    pugi::xml_node physician = xml.root().child("physician");
    CHECK(text(output.at("physician").at("code")) == test::attr(physician, "code"));
    CHECK(std::to_string(output.at("physician").at("remaining").as_int64()) == test::attr(physician, "remaining"));
    CHECK(std::to_string(output.at("physician").at("at_risk").as_int64()) == test::attr(physician, "at-risk"));
    CHECK(text(output.at("physician").at("projected")) == test::attr(physician, "projected"));
    CHECK(text(answer.envelope.at("err_msg")) == "");
    std::string refmsgid(answer.envelope.at("inf_refmsgid").as_string());
    CHECK(refmsgid.size() == 30);
    CHECK(refmsgid.substr(0, 6) == "430799");
    CHECK(answer.envelope.at("respond_time").as_string().size() == 17);
    // Amounts go out as plain decimals.
    CHECK(contains(answer.text, "\"vola_amt\":1153.00"));
}

TEST_CASE("the real 3101 example finds the female-only drug ordered for a man", "[national][example]") {
    NationalEngine engine;
    Answer answer = succeeds(engine.get(), test::read_file(MEDLINT_NHSA_EXAMPLE));
    const json::object &result = answer.result("LIMIT-GENDER");
    CHECK(contains(std::string(result.at("vola_cont").as_string()), "左炔诺孕酮宫内节育系统"));
    const json::array &details = result.at("judge_result_detail_dtos").as_array();
    REQUIRE(details.size() == 1);
    CHECK(text(details[0].at("rx_id")) == "6374");
    CHECK(text(details[0].at("patn_id")) == "0000001");
    CHECK(text(details[0].at("mdtrt_id")) == "2001668");
    CHECK(result.at("vola_amt").as_double() == 1153);
    CHECK(text(answer.envelope.at("output").at("medlint").at("mode")) == "prescribing");  // trig_scen 4
    // The HIS's own diagnosis codes, which no loaded pack maps to ICD-10, are reported.
    const json::array &unknown = answer.envelope.at("output").at("medlint").at("unknown_diagnoses").as_array();
    CHECK(unknown.size() == 4);
    CHECK(std::find(unknown.begin(), unknown.end(), json::value("XYZD018987")) != unknown.end());
    CHECK(text(answer.envelope.at("inf_refmsgid")).substr(0, 6) == "430799");

    SECTION("as a check through medlint_call_as") {
        Answer as_check = call(engine.get(), test::read_file(MEDLINT_NHSA_EXAMPLE), "check");
        REQUIRE(as_check.code == MEDLINT_OK);
        CHECK(text(as_check.result("LIMIT-GENDER").at("jr_id")) == text(result.at("jr_id")));
    }
    SECTION("refused by a call that performs only feedback") {
        Answer as_feedback = call(engine.get(), test::read_file(MEDLINT_NHSA_EXAMPLE), "feedback");
        CHECK(as_feedback.code == MEDLINT_EPARSE);
        CHECK(text(as_feedback.envelope.at("infcode")) == "-1");
        CHECK(contains(as_feedback.err_msg(), "performs only <feedback>"));
    }
}

TEST_CASE("3101, then 3103, then 3101: the doctor's answer sticks to the jr_id", "[national][feedback]") {
    test::Backend backend = STORE_BACKEND();
    test::StoreScratch scratch(backend);
    if (!scratch.ready()) return;
    INFO(test::backend_name(backend));
    test::Engine engine(scratch.config);
    Answer first = succeeds(engine.get(), kRequest);
    std::string jr_id = text(first.result("LIMIT-GENDER").at("jr_id"));

    SECTION("continue (dspo_way 1) overrides, with the reason") {
        Answer recorded = succeeds(engine.get(), answers({{jr_id, 1, "患者为女性，登记性别有误"}}));
        CHECK(text(recorded.envelope.at("output").at("medlint").at("recorded")) == "1");
        Answer again = succeeds(engine.get(), kRequest);
        const json::object &result = again.result("LIMIT-GENDER");
        CHECK(text(result.at("jr_id")) == jr_id);
        CHECK(text(result.at("medlint").at("overridden")) == "true");
        CHECK(text(result.at("medlint").at("stands")) == "false");
        CHECK(text(result.at("medlint").at("feedback")) == "override");
        CHECK(text(result.at("medlint").at("reason")) == "患者为女性，登记性别有误");
        CHECK(scratch.text("SELECT reason FROM feedback WHERE finding_id = '" + jr_id + "'") == "患者为女性，登记性别有误");
    }
    SECTION("modify (dspo_way 2) accepts") {
        succeeds(engine.get(), answers({{jr_id, 2, ""}}));
        Answer again = succeeds(engine.get(), kRequest);
        const json::object &result = again.result("LIMIT-GENDER");
        CHECK(text(result.at("medlint").at("feedback")) == "accept");
        CHECK(text(result.at("medlint").at("overridden")) == "false");
        CHECK(text(result.at("medlint").at("stands")) == "true");
    }
    SECTION("an unknown warn_rslt_id is an error, and nothing is recorded") {
        std::string message = refused(engine.get(), answers({{jr_id, 2, ""}, {"f-0000000000000000", 1, "理由"}}));
        CHECK(message == "input.data.warns[1].warn_rslt_id: \"f-0000000000000000\" is no jr_id that medlint reported");
        CHECK(scratch.integer("SELECT count(*) FROM feedback") == 0);
    }
}

TEST_CASE("every error of the envelope answers infcode -1 naming the field", "[national][errors]") {
    NationalEngine engine;
    const std::string order = kOrder0;
    const std::string patient = "input.data.patient_dtos[0]";
    struct Case {
        std::string path;
        std::optional<json::value> value;
        std::string message;
    };
    const std::vector<Case> cases{
        {"infno", std::nullopt, "infno: is required but missing"},
        {"infno", json::value("9001"), "infno: is \"9001\", an interface medlint does not answer; expected 3101, 3102 or 3103"},
        {"infno", json::value(true), "infno: is true (true or false), not text or a number"},
        {"input", std::nullopt, "input: is required but missing"},
        {"input", json::value("{\"data\":"), "input (a string holding JSON) is not well-formed JSON"},
        {"input.data", json::value(json::array{}), "input.data: is an array, not an object"},
        {"inf_time", json::value("2026-11-23"), "inf_time: is \"2026-11-23\", not a time in the form yyyy-MM-dd HH:mm:ss"},
        {"input.data.trig_scen", json::value("11"), "input.data.trig_scen: is \"11\"; expected scenes 1 to 10"},
        {"input.data.patient_dtos", json::value(json::array{}), "input.data.patient_dtos: is required but has no patient"},
        {"input.data.patient_dtos", json::value("none"), "input.data.patient_dtos: is \"none\", not an array"},
        {patient + ".patn_id", std::nullopt, patient + ".patn_id: is required but missing"},
        {patient + ".patn_id", json::value(""), patient + ".patn_id: is required but empty"},
        {patient + ".patn_name", json::value(json::object{}), patient + ".patn_name: is an object, not text or a number"},
        {patient + ".patn_name", json::value("张\x01三"), patient + ".patn_name: holds a control character"},
        {patient + ".gend", json::value("男"), patient + ".gend: is \"男\"; expected 1 (male), 2 (female), 0 or 9"},
        {patient + ".brdy", json::value("01/01/1980"), patient + ".brdy: is \"01/01/1980\", not a date in the form yyyy-MM-dd"},
        {patient + ".brdy", json::value("1899-12-31"), patient + ".brdy: is \"1899-12-31\", outside the supported dates 1900-01-01 to 9899-12-31"},
        {patient + ".curr_mdtrt_id", json::value("ZY9"), patient + ".curr_mdtrt_id: is \"ZY9\", which no fsi_encounter_dtos[].mdtrt_id names"},
        {patient + ".fsi_encounter_dtos", json::value(json::array{}), patient + ".fsi_encounter_dtos: is required but has no encounter"},
        {kEncounter + ".mdtrt_id", json::value(nullptr), patient + ".curr_mdtrt_id: is \"MZ001\", which no"},
        {kEncounter + ".adm_date", json::value("2026-02-30 09:00:00"), kEncounter + ".adm_date: is \"2026-02-30 09:00:00\", not a date"},
        {kEncounter + ".dscg_date", json::value("2026-11-22"), kEncounter + ".dscg_date: is \"2026-11-22\", before the admission on 2026-11-23"},
        {kEncounter + ".insutype", json::value("职工"), kEncounter + ".insutype: is \"职工\", not a national insutype code"},
        {kEncounter + ".fsi_diagnose_dtos[1].dise_codg", std::nullopt, kEncounter + ".fsi_diagnose_dtos[1].dise_codg: is required but missing"},
        {kEncounter + ".fsi_diagnose_dtos[0].maindise_flag", json::value("Y"), kEncounter + ".fsi_diagnose_dtos[0].maindise_flag: is \"Y\"; expected 0 or 1"},
        {order + ".rx_id", std::nullopt, order + ".rx_id: is required but missing"},
        {order + ".rx_id", json::value(2), kEncounter + ".fsi_order_dtos[1].rx_id: is \"2\", which an earlier order has"},
        {order + ".cnt", json::value("abc"), order + ".cnt: \"abc\" is not a number"},
        {order + ".cnt", json::value(-1), order + ".cnt: is -1, not a number from 0 to 1000000"},
        {order + ".pric", json::value("2000000"), order + ".pric: is \"2000000\", not a number from 0 to 1000000"},
        {order + ".pric", json::value(" 12"), order + ".pric: \" 12\" is not a number"},
        {order + ".hilist_lv", json::value("04"), order + ".hilist_lv: is \"04\"; expected 01, 02 or 03"},
        {order + ".drord_begn_date", json::value("2026-11-23T25:00:00"), order + ".drord_begn_date: is \"2026-11-23T25:00:00\", not a date"},
        {order + ".drord_bhvr", json::value(2), order + ".drord_bhvr: is 2; expected 0 or 1"},
    };
    for (const auto &[path, value, message] : cases) {
        INFO(path << " = " << (value ? json::serialize(*value) : "(removed)"));
        CHECK(contains(refused(engine.get(), with(kRequest, path, value)), message));
    }

    SECTION("the kind of an order nobody can tell") {
        std::string request = with(kRequest, order + ".hilist_type", json::value("999"));
        CHECK(contains(refused(engine.get(), with(request, order + ".chrg_type", json::value("99"))),
                       order + ".hilist_type: is \"999\" and chrg_type is \"99\": the order's kind is unknown"));
    }
    SECTION("codes, dates and envelopes that are missing together") {
        std::string no_code = with(kRequest, order + ".hilist_code", std::nullopt);
        CHECK(contains(refused(engine.get(), no_code), order + ".hilist_code: is required but missing (and so is hosplist_code)"));
        std::string no_time = with(kRequest, "inf_time", std::nullopt);
        CHECK(contains(refused(engine.get(), with(no_time, kEncounter + ".fsi_order_dtos[1].drord_begn_date", std::nullopt)),
                       kEncounter + ".fsi_order_dtos[1].drord_begn_date: is required when the envelope has no inf_time"));
        std::string inpatient = with(kRequest, kEncounter + ".med_type", json::value("21"));
        CHECK(contains(refused(engine.get(), with(inpatient, kEncounter + ".adm_date", std::nullopt)),
                       kEncounter + ".adm_date: is required for an inpatient encounter"));
        json::value two = json::parse(kRequest);
        auto &patients = two.at("input").at("data").at("patient_dtos").as_array();
        patients.push_back(patients[0]);
        CHECK(contains(refused(engine.get(), json::serialize(two)), "input.data.patient_dtos: holds 2 patients"));
    }
    SECTION("text that is not JSON, or not UTF-8") {
        CHECK(refused(engine.get(), "{\"infno\": \"3101\",\n \"input\": }") ==
              "request is not well-formed JSON: syntax error at line 2, column 11");
        CHECK(contains(refused(engine.get(), "{\"infno\": \"3101\"} {}"), "request is not well-formed JSON"));
        CHECK(contains(refused(engine.get(), "{\"infno\": \"\xC4\xE3\"}"), "request is not UTF-8 JSON: byte 0xC4"));
        CHECK(refused(engine.get(), "{}") == "infno: is required but missing");
        // A long value is cut short in the message between characters, never inside one.
        std::string sugar;
        for (int i = 0; i < 30; ++i) sugar += "糖";
        std::string shown;
        for (int i = 0; i < 18; ++i) shown += "糖";
        CHECK(refused(engine.get(), "{\"infno\": \"3101" + sugar + "\"}") ==
              "infno: is \"3101" + shown + "..., an interface medlint does not answer; expected 3101, 3102 or 3103");
    }
    SECTION("3103") {
        CHECK(refused(engine.get(), answers({})) == "input.data.warns: is required but has no warning answered");
        CHECK(refused(engine.get(), answers({{"f-1", 3, ""}})) ==
              "input.data.warns[0].dspo_way: is \"3\"; expected 1 (continue) or 2 (modify)");
        CHECK(refused(engine.get(), answers({{"f-1", 1, ""}})) ==
              "input.data.warns[0].dspo_way_rea: is required when dspo_way is 1 (continue with the order)");
        CHECK(refused(engine.get(), answers({{"", 2, ""}})) == "input.data.warns[0].warn_rslt_id: is required but empty");
        CHECK(refused(engine.get(), answers({{"f-1", 2, ""}}, false)) == "opter: is required but missing");
    }
    SECTION("a request too large is refused in the envelope too") {
        std::string huge = "{\"infno\":\"3101\",\"pad\":\"" + std::string(33u << 20, 'x') + "\"}";
        CHECK(contains(refused(engine.get(), huge), "the limit is 33554432"));
    }
}

namespace {

// The envelope's check as parse_national_request reads it, and its
// translation by medlint_translate as parse_request reads it back: the two
// must be the same, field by field.
void require_same_when_translated(medlint_engine *engine, const std::string &envelope) {
    Document direct = std::get<Document>(parse_national_request(envelope).operation);
    test::Reply translation = test::translate_raw(engine, envelope.data(), envelope.size());
    INFO(translation.text);
    REQUIRE(translation.code == MEDLINT_OK);
    REQUIRE(translation.root_name() == "check");
    Document back = std::get<Document>(parse_request(translation.text, std::nullopt).operation);
    test::DocumentDifferences differences(direct, back);
    INFO(differences.text());
    CHECK(differences.list().empty());
}

// The (rule, finding id) pairs of a national answer and of a check-result.
std::vector<std::pair<std::string, std::string>> findings_of(const Answer &answer) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto &result : answer.results()) out.emplace_back(text(result.at("rule_id")), text(result.at("jr_id")));
    return out;
}
std::vector<std::pair<std::string, std::string>> findings_of(const test::Reply &reply) {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto finding : reply.findings()) out.emplace_back(test::attr(finding, "rule"), test::attr(finding, "id"));
    return out;
}

}  // namespace

TEST_CASE("medlint_translate writes the check that reads back as the envelope, field by field", "[national][translate]") {
    NationalEngine engine;
    const std::string order = kOrder0;
    std::string inpatient = with(with(kRequest, kEncounter + ".med_type", json::value("21")), "input.data.trig_scen",
                                 json::value("1,6"));
    json::value lone = json::parse(kRequest);
    json::value patient = lone.at("input").at("data").at("patient_dtos").at(0);
    patient.as_object()["fsi_encounter_dtos"] = patient.at("fsi_encounter_dtos").at(0);
    lone.at("input").at("data").as_object()["patient_dtos"] = patient;
    lone.as_object()["input"] = json::serialize(lone.at("input"));
    const std::vector<std::string> envelopes{
        kRequest,
        test::read_file(MEDLINT_NHSA_EXAMPLE),
        with(kRequest, "infno", json::value("3102")),
        inpatient,
        json::serialize(lone),
        with(kRequest, order + ".hilist_lv", json::value("2")),
        with(kRequest, order + ".hilist_lv", json::value(3)),
        with(with(kRequest, order + ".hilist_type", json::value("201")), order + ".chrg_type", json::value("04")),
        with(with(kRequest, order + ".hilist_code", std::nullopt), order + ".hosplist_code", json::value("YY0001")),
        with(kRequest, kEncounter + ".fsi_diagnose_dtos[0].maindise_flag", json::value(0)),
        with(with(kRequest, kEncounter + ".fsi_diagnose_dtos[0].maindise_flag", json::value(0)),
             kEncounter + ".dscg_main_dise_codg", json::value("E14.900")),
        with(kRequest, kEncounter + ".insutype", json::value("340")),
        with(kRequest, kEncounter + ".insutype", std::nullopt),
        with(kRequest, kEncounter + ".medins_lv", json::value("05")),
        with(kRequest, kEncounter + ".dr_codg", std::nullopt),
        with(kRequest, "input.data.patient_dtos[0].brdy", std::nullopt),
        with(kRequest, "input.data.patient_dtos[0].gend", json::value(2)),
        // Amounts that have no short decimal, and text that XML must escape.
        with(with(kRequest, order + ".pric", json::value(0.1 + 0.2)), order + ".cnt", json::value("0.333333333333333")),
        with(kRequest, order + ".hilist_name", json::value("a \"b\" <c> & 'd'\ttab\nline\rreturn  ]]>")),
        with(kRequest, order + ".drord_dr_codg", json::value("")),
    };
    for (size_t i = 0; i < envelopes.size(); ++i) {
        INFO("envelope " << i);
        require_same_when_translated(engine.get(), envelopes[i]);
    }
}

TEST_CASE("the translation is checked as the envelope is: the same findings under the same ids", "[national][translate]") {
    NationalEngine engine;
    for (const std::string &envelope : {std::string(kRequest), test::read_file(MEDLINT_NHSA_EXAMPLE)}) {
        Answer national = succeeds(engine.get(), envelope);
        test::Reply translation = test::translate_raw(engine.get(), envelope.data(), envelope.size());
        REQUIRE(translation.code == MEDLINT_OK);
        test::Reply xml = engine.engine.ok(translation.text);
        CHECK(findings_of(xml) == findings_of(national));
        CHECK(xml.fired("LIMIT-GENDER"));
    }
}

TEST_CASE("medlint_translate refuses what is not a 3101 or 3102 with an <error> naming the field", "[national][translate]") {
    NationalEngine engine;
    auto refused_translation = [&](const std::string &request) {
        test::Reply reply = test::translate_raw(engine.get(), request.data(), request.size());
        INFO(reply.text);
        CHECK(reply.code == MEDLINT_EPARSE);
        REQUIRE(reply.root_name() == "error");
        CHECK(reply.error() == medlint_last_error());
        return reply;
    };
    SECTION("a 3103 is feedback, refused for its operation as medlint_call_as refuses it") {
        test::Reply reply = refused_translation(answers({{"f-1", 2, ""}}));
        CHECK(reply.attr("root") == "feedback");
        CHECK(contains(reply.error(), "infno: is \"3103\" (<feedback>)"));
    }
    SECTION("a field it cannot read") {
        test::Reply reply = refused_translation(with(kRequest, kOrder0 + ".cnt", json::value("abc")));
        CHECK(reply.error() == kOrder0 + ".cnt: \"abc\" is not a number");
        CHECK(reply.attr("root").empty());
    }
    SECTION("broken JSON, and XML") {
        CHECK(contains(refused_translation("{\"infno\": ").error(), "request is not well-formed JSON"));
        CHECK(contains(refused_translation("<check/>").error(), "request is not a national JSON envelope"));
        CHECK(refused_translation("").error() == "request is empty");
    }
    SECTION("NULL arguments") {
        char *response = nullptr;
        CHECK(medlint_translate(nullptr, "{}", 2, &response) == MEDLINT_EINVAL);
        CHECK(contains(response, "medlint_translate: engine is NULL"));
        medlint_free(response);
        CHECK(medlint_translate(engine.get(), "{}", 2, nullptr) == MEDLINT_EINVAL);
    }
}

TEST_CASE("document_request writes every field of a check, and parse_request reads it back the same", "[national][translate]") {
    const std::string request = R"(<commit mode="preaudit" time="2026-11-23T09:30:00+08:00" audit="deferred">
  <institution code="H52270100001" level="2"/>
  <physician code="D522701000123" name="王敏" dept="内分泌科"/>
  <patient id-type="resident-id" id="52270119561203002x" name="王秀英" gender="2" birth-date="1956-12-03" insurance-no="I-1">
    <card id="52270119561203002X" name="王秀英" gender="F" birth-date="1956-12-03" source="card-reader"/>
  </patient>
  <encounter id="ZY1" type="inpatient" admitted="2026-11-20" discharged="2026-11-25" rescue="true" insurance="310" channel="internet">
    <diagnosis code="E11.900" name="2型糖尿病" primary="true"/>
    <diagnosis code="I10.x00"/>
  </encounter>
  <item id="1" kind="treatment" code="331503004" name="阑尾切除术" unit="次" prescription="CF1" operation="OP-1" insurance-class="B"
        physician="" quantity="0.1" price="1234.565" list-price="2000.005" days="7" date="2026-11-21" discharge-medication="true"
        approved="true"/>
  <item id="2" kind="drug" code="XA10BAA002A001010101445" quantity="3" price="0.3"/>
  <consent id="C1" signer="guardian" signed="2026-11-21T08:00:00+08:00" items="1, 2"/>
</commit>)";
    Document read = std::get<Document>(parse_request(request, std::nullopt).operation);
    std::string written = document_request(read);
    INFO(written);
    Document back = std::get<Document>(parse_request(written, std::nullopt).operation);
    test::DocumentDifferences differences(read, back);
    INFO(differences.text());
    CHECK(differences.list().empty());
    CHECK(back.commit);
    CHECK(back.items[0].list_price == 2000.005);
    CHECK(back.items[0].approved);
    CHECK(back.items[0].own_physician);
    CHECK_FALSE(back.items[1].own_physician);
    CHECK(back.consents[0].items == std::vector<std::string>{"1", "2"});
}
