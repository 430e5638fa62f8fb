// The benchmarks' 20-item outpatient <check>: what medlint_bench times
// through the library and medlint_serve_load sends through medlint serve.
#pragma once
#include <cstring>
#include <string>

struct CatalogLine {
    const char *kind, *code, *name, *quantity, *unit, *price, *days;
};

// A diabetic and hypertensive adult's outpatient visit: ten drugs of ten
// different generics and ten tests, exams and services of different retest
// groups, all in the default pack's catalogue as class A or B.  So the
// expected status is "pass", and every rule still runs and queries the store.
inline const CatalogLine kVisit[] = {
    {"drug", "XA10BAA002A001010101445", "二甲双胍片", "2", "盒", "12.50", "14"},
    {"drug", "XC08CAA033A001010100237", "苯磺酸氨氯地平片", "1", "盒", "18.60", "14"},
    {"drug", "XC10AAA143A001010104522", "阿托伐他汀钙片", "1", "盒", "25.80", "14"},
    {"drug", "XC09DXS255A001010101606", "沙库巴曲缬沙坦钠片", "1", "盒", "86.00", "14"},
    {"drug", "XB01ACA056A001010106789", "阿司匹林肠溶片", "1", "盒", "9.90", "14"},
    {"drug", "XA02BCA211E001010102345", "奥美拉唑肠溶胶囊", "1", "盒", "15.20", "7"},
    {"drug", "XR05CBA155A001010100456", "盐酸氨溴索片", "1", "盒", "8.40", "5"},
    {"drug", "XM01AEB094A001010101231", "布洛芬片", "1", "盒", "6.30", "3"},
    {"drug", "XJ01CAA040E001010101234", "阿莫西林胶囊", "2", "盒", "11.00", "5"},
    {"drug", "XA07BCM083P001010100341", "蒙脱石散", "1", "盒", "13.70", "3"},
    {"test", "002501010150000", "血细胞分析（血常规）", "1", "次", "20", nullptr},
    {"test", "002501020350000", "尿液分析", "1", "次", "15", nullptr},
    {"test", "002503020010000", "葡萄糖测定", "1", "次", "5", nullptr},
    {"test", "002503020030000", "糖化血红蛋白测定", "1", "次", "60", nullptr},
    {"test", "002503030010000", "血清总胆固醇测定", "1", "次", "6", nullptr},
    {"test", "002503030020000", "血清甘油三酯测定", "1", "次", "6", nullptr},
    {"test", "002503050040000", "丙氨酸氨基转移酶测定", "1", "次", "5", nullptr},
    {"test", "002503070020000", "肌酐测定", "1", "次", "5", nullptr},
    {"exam", "003107010010000", "常规心电图检查", "1", "次", "25", nullptr},
    {"service", "001101000010000", "普通门诊诊查费", "1", "次", "10", nullptr},
};

inline void append_item(std::string &xml, int id, const CatalogLine &line, const std::string &date,
                 const std::string &physician) {
    xml += "  <item id=\"" + std::to_string(id) + "\" kind=\"" + line.kind + "\" code=\"" + line.code +
           "\" name=\"" + line.name + "\" quantity=\"" + line.quantity + "\" unit=\"" + line.unit + "\" price=\"" +
           line.price + "\"";
    if (line.days) xml += std::string(" days=\"") + line.days + "\"";
    xml += " date=\"" + date + "\" physician=\"" + physician + "\"";
    if (std::strcmp(line.kind, "drug") == 0) xml += " discharge-medication=\"false\"";
    xml += "/>\n";
}

inline std::string check_request() {
    std::string xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<check mode=\"prescribing\" time=\"2026-11-23T09:30:00+08:00\" lang=\"zh\">\n"
        "  <institution code=\"H52270100001\" level=\"3\"/>\n"
        "  <physician code=\"D522701000123\" name=\"王敏\" dept=\"内科\"/>\n"
        "  <patient id-type=\"resident-id\" id=\"522701198001010011\" name=\"李四\"\n"
        "           gender=\"M\" birth-date=\"1980-01-01\" insurance-no=\"52000000000000000001\">\n"
        "    <card source=\"insurance-card\" id=\"522701198001010011\" name=\"李四\"\n"
        "          gender=\"M\" birth-date=\"1980-01-01\"/>\n"
        "  </patient>\n"
        "  <encounter id=\"MZ20261123001\" type=\"outpatient\" admitted=\"2026-11-23\"\n"
        "             discharged=\"\" rescue=\"false\">\n"
        "    <diagnosis code=\"E11.900\" name=\"2型糖尿病\" primary=\"true\"/>\n"
        "    <diagnosis code=\"I10.x00\" name=\"原发性高血压\" primary=\"false\"/>\n"
        "    <diagnosis code=\"I50.900\" name=\"心力衰竭\" primary=\"false\"/>\n"
        "  </encounter>\n";
    int id = 1;
    for (const auto &line : kVisit) append_item(xml, id++, line, "2026-11-23", "D522701000123");
    xml += "</check>\n";
    return xml;
}
