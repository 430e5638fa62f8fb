#include "workload_world.hpp"

#include <cstdio>
#include <stdexcept>

#include "../civil_date.hpp"

namespace workload {

namespace {

constexpr long kSuspensionDays = 92;
constexpr long kSuspensionPeriods = 10;  // 920 days: past the last visit any story reaches

const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                            "徐", "孙", "马", "朱", "胡", "郭", "何", "罗", "韦", "覃",
                                            "潘", "莫", "蒙", "石", "龙", "吴", "蒋", "雷", "田", "欧阳"};
const std::vector<std::string> kMaleGiven = {"建", "国", "军", "强", "伟", "明", "志", "文", "华", "勇",
                                             "德", "光", "兴", "荣", "福", "永", "林", "斌", "杰", "涛"};
const std::vector<std::string> kFemaleGiven = {"秀", "英", "芳", "丽", "敏", "静", "桂", "兰", "梅", "燕",
                                               "霞", "玉", "珍", "红", "娟", "琴", "艳", "萍", "慧", "婷"};

struct Hospital {
    const char *code, *level;
};
// H + the 6-digit region + a 5-digit sequence, as in samples/.
const Hospital kHospitals[] = {{"H52270100001", "3"}, {"H52270100002", "3"}, {"H52270200001", "2"},
                               {"H52272200001", "2"}, {"H52272300001", "2"}, {"H52272500001", "2"},
                               {"H52273100001", "2"}, {"H52273200001", "2"}};

const char *const kGeneralPractice = "全科医学科";
const char *const kDepartments[] = {"内科",     "心血管内科", "内分泌科", "呼吸内科", "消化内科",
                                    "神经内科", "骨科",       "普外科",   "泌尿外科", "妇科",
                                    "儿科",     "皮肤科",     "眼科",     "心理科",   kGeneralPractice};
constexpr int kPhysiciansPerDepartment = 2;

std::string physician_code(const std::string &institution_code, long sequence) {
    // D + the institution's 6-digit region + a 6-digit sequence; the
    // institution's own sequence keeps two hospitals of one region apart.
    char digits[8];
    std::snprintf(digits, sizeof digits, "%06ld", std::stol(institution_code.substr(7)) * 1000 + sequence);
    return "D" + institution_code.substr(1, 6) + digits;
}

bool overlaps(long from, long to, long first, long last) { return from <= last && first <= to; }

}  // namespace

long epoch_day() { return test_dates::days_from_civil(2025, 1, 1); }

const std::vector<DiagnosisKind> &diagnosis_kinds() {
    // code, name, department, gender, ages, outpatient, inpatient, chronic, typical item codes
    static const std::vector<DiagnosisKind> kinds = {
        {"E11.900", "2型糖尿病", "内分泌科", "", 30, 95, true, true, true, {"XA10", "002503020"}},
        {"I10.x00", "原发性高血压", "心血管内科", "", 30, 95, true, true, true, {"XC08", "XC09", "XC10", "003107"}},
        {"E78.500", "高脂血症", "内分泌科", "", 30, 95, true, false, true, {"XC10", "002503030"}},
        {"I50.900", "心力衰竭", "心血管内科", "", 50, 95, true, true, true, {"XC09", "XB01", "003107", "002203"}},
        {"J06.900", "急性上呼吸道感染", "内科", "", 1, 95, true, false, false, {"XJ01C", "XR05", "XM01", "002501010", "002504"}},
        {"J20.900", "急性支气管炎", "呼吸内科", "", 1, 95, true, false, false, {"XJ01", "XR05", "002501010", "002504"}},
        {"J18.900", "肺炎", "呼吸内科", "", 1, 95, true, true, false, {"XJ01", "XR05", "002103", "002501010", "002504"}},
        {"K29.700", "慢性胃炎", "消化内科", "", 18, 90, true, false, false, {"XA02", "002202"}},
        {"A09.900", "感染性腹泻", "消化内科", "", 1, 90, true, false, false, {"XA07", "002501020"}},
        {"K35.800", "急性阑尾炎", "普外科", "", 10, 80, false, true, false, {"XJ01", "002202", "002501010"}},
        {"M54.500", "腰痛", "骨科", "", 25, 90, true, false, false, {"XM01", "002102"}},
        {"S32.000", "腰椎骨折", "骨科", "", 20, 95, false, true, false, {"XM01", "002103", "002102"}},
        {"I63.900", "脑梗死", "神经内科", "", 50, 95, false, true, false, {"ZA12", "XB01", "XC10", "002102", "002103"}},
        {"N40.x00", "前列腺增生", "泌尿外科", "M", 45, 95, true, false, false, {"XG04", "002501040130", "002202"}},
        {"N76.000", "急性阴道炎", "妇科", "F", 16, 70, true, false, false, {"002501040140"}},
        {"O20.000", "先兆流产", "妇科", "F", 18, 45, true, false, false, {"XG03", "002202"}},
        {"F90.000", "注意缺陷多动障碍", "心理科", "", 6, 17, true, false, false, {"XN06"}},
        {"L64.900", "雄激素性脱发", "皮肤科", "", 18, 60, true, false, false, {"XD11"}},
        {"L81.400", "黄褐斑", "皮肤科", "", 20, 60, true, false, false, {"003310"}},
        {"H25.900", "老年性白内障", "眼科", "", 55, 95, false, true, false, {"C1403", "002202"}},
    };
    return kinds;
}

std::string department_for(const DiagnosisKind &kind, int age) {
    const std::string &department = kind.department;
    bool medical = department == "内科" || department == "呼吸内科" || department == "消化内科";
    return age < 14 && medical ? "儿科" : department;
}

World::World(Random &random) {
    for (const auto &hospital : kHospitals) {
        Institution institution;
        institution.index = institutions_.size();
        institution.code = hospital.code;
        institution.level = hospital.level;
        long sequence = 1;
        for (const char *department : kDepartments)
            for (int k = 0; k < kPhysiciansPerDepartment; ++k) {
                std::string gender = random.chance(500) ? "M" : "F";
                institution.physicians.push_back(
                    {physician_code(institution.code, sequence++), person_name(random, gender), department});
            }
        // A third general practitioner, whom the ledger suspends now and then.
        institution.physicians.push_back({physician_code(institution.code, sequence++),
                                          person_name(random, random.chance(500) ? "M" : "F"), kGeneralPractice,
                                          true});
        institutions_.push_back(std::move(institution));
    }
}

const Physician &World::physician(const Institution &institution, const std::string &department, long from,
                                  long to, Random &random) const {
    for (const std::string &wanted : {department, std::string(kGeneralPractice)}) {
        std::vector<const Physician *> free;
        for (const auto &physician : institution.physicians)
            if (physician.department == wanted && !suspended(institution, physician, from, to))
                free.push_back(&physician);
        if (!free.empty()) return *random.pick(free);
    }
    throw std::logic_error("no physician free in " + institution.code);  // a GP is never suspended with the other
}

bool World::suspended(const Institution &institution, const Physician &physician, long from, long to) const {
    if (!physician.sanctioned) return false;
    for (long period = 0; period < kSuspensionPeriods; ++period) {
        long first = epoch_day() + period * kSuspensionDays;
        if (static_cast<size_t>(period) % institutions_.size() == institution.index &&
            overlaps(from, to, first, first + kSuspensionDays - 1))
            return true;
    }
    return false;
}

const Institution &World::institution_with_suspension_on(long day) const {
    long period = (day - epoch_day()) / kSuspensionDays;
    if (period < 0 || period >= kSuspensionPeriods) throw std::runtime_error("no suspension on that day");
    return institutions_[static_cast<size_t>(period) % institutions_.size()];
}

const Physician &World::sanctioned(const Institution &institution) const {
    for (const auto &physician : institution.physicians)
        if (physician.sanctioned) return physician;
    throw std::logic_error("no sanctioned physician in " + institution.code);
}

std::string World::ledger_xml() const {
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ledger>\n";
    for (long period = 0; period < kSuspensionPeriods; ++period) {
        const Institution &institution = institutions_[static_cast<size_t>(period) % institutions_.size()];
        long first = epoch_day() + period * kSuspensionDays;
        char notice[32];
        std::snprintf(notice, sizeof notice, "QN-WL-%03ld", period + 1);
        xml += "  <sanction physician=\"" + sanctioned(institution).code + "\" kind=\"suspension\" from=\"" +
               test_dates::iso_date(first) + "\" to=\"" + test_dates::iso_date(first + kSuspensionDays - 1) +
               "\" notice=\"" + notice + "\"/>\n";
    }
    return xml + "</ledger>\n";
}

std::string person_name(Random &random, const std::string &gender) {
    const auto &given = gender == "M" ? kMaleGiven : kFemaleGiven;
    std::string name = random.pick(kSurnames) + random.pick(given);
    if (random.chance(750)) name += random.pick(given);
    return name;
}

std::string misspelt_name(Random &random, const std::string &name, const std::string &gender) {
    const auto &given = gender == "M" ? kMaleGiven : kFemaleGiven;
    const std::string &last = given.front();  // every given character is 3 bytes of UTF-8
    std::string stem = name.substr(0, name.size() - last.size());
    for (;;) {
        std::string other = stem + random.pick(given);
        if (other != name) return other;
    }
}

const std::vector<std::string> &birth_regions() {
    // Mostly the prefecture's counties; some from Guiyang and other provinces.
    static const std::vector<std::string> regions = {
        "522701", "522701", "522701", "522702", "522722", "522723", "522725", "522726", "522727",
        "522728", "522729", "522730", "522731", "522732", "520102", "520103", "510107", "440106",
        "430102", "330106"};
    return regions;
}

}  // namespace workload
