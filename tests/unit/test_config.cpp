// Configuration files (contract section 3) and rule packs (section 4): an
// unusable one is MEDLINT_ECONFIG naming the file and what is wrong.
#include <sys/stat.h>

#include "support.hpp"

using test::contains;
using test::Doc;
using test::Engine;
using test::Reply;
using test::Scratch;
using test::TempDir;
using test::try_open;
using test::write_file;
using test::write_pack;

namespace {

void expect_config_error(const std::string &config, std::initializer_list<const char *> parts) {
    test::OpenResult result = try_open(config);
    INFO("message: " << result.message);
    CHECK(result.code == MEDLINT_ECONFIG);
    CHECK(contains(result.message, config));
    for (const char *part : parts) CHECK(contains(result.message, part));
}


}  // namespace

TEST_CASE("an unusable configuration file is MEDLINT_ECONFIG naming the file", "[config]") {
    TempDir dir;
    std::string config = dir.file("medlint.xml");
    std::string store = dir.file("store.db");

    SECTION("missing") { expect_config_error(config, {"cannot be read"}); }
    SECTION("a folder") { expect_config_error(dir.path(), {}); }
    SECTION("not XML") {
        write_file(config, "store = /var/lib/medlint.db\n");
        expect_config_error(config, {"not well-formed"});
    }
    SECTION("empty") {
        write_file(config, "");
        expect_config_error(config, {});
    }
    SECTION("the wrong root") {
        write_file(config, "<configuration><store path=\"s.db\"/></configuration>");
        expect_config_error(config, {"<configuration>", "<medlint>"});
    }
    SECTION("no store") {
        write_file(config, "<medlint><policy profile=\"national-2024\"/></medlint>");
        expect_config_error(config, {"store"});
    }
    SECTION("a store without path") {
        write_file(config, "<medlint>\n<store/>\n</medlint>");
        expect_config_error(config, {"<store>", "path", "line 2"});
    }
    SECTION("an unknown policy profile") {
        write_file(config, test::config_xml(store, "national-1999"));
        expect_config_error(config, {"national-1999"});
    }
    SECTION("a rules path that is no folder") {
        write_file(config, test::config_xml(store, "national-2024", "<rules path=\"no-such-pack\"/>"));
        expect_config_error(config, {"no-such-pack"});
    }
    SECTION("an unknown default language") {
        write_file(config, test::config_xml(store, "national-2024", "<language default=\"fr\"/>"));
        expect_config_error(config, {"fr"});
    }
    SECTION("a store memory size that is no whole number in range") {
        write_file(config, "<medlint>\n<store path=\"" + store + "\" mmap-mib=\"-1\"/>\n</medlint>");
        expect_config_error(config, {"mmap-mib", "\"-1\"", "0 to 65536", "line 2"});
        write_file(config, "<medlint><store path=\"" + store + "\" cache-mib=\"0\"/></medlint>");
        expect_config_error(config, {"cache-mib", "\"0\"", "1 to 65536"});
    }
    SECTION("a store share that is neither institution nor alliance") {
        write_file(config, "<medlint>\n<store path=\"" + store + "\" share=\"province\"/>\n</medlint>");
        expect_config_error(config, {"share", "\"province\"", "institution, alliance", "line 2"});
    }
    SECTION("nothing is created for a refused configuration") {
        write_file(config, test::config_xml(store, "national-1999"));
        CHECK(try_open(config).code == MEDLINT_ECONFIG);
        CHECK_FALSE(std::filesystem::exists(store));
    }
}

TEST_CASE("a usable configuration opens", "[config]") {
    SECTION("every shipped policy profile") {
        for (const char *profile : {"national-2024", "qiannan-2023", "fengtai"}) {
            Scratch scratch(profile);
            Engine engine(scratch.config);
            Reply reply = engine.ok(Doc{}.str());
            CHECK(reply.attr("status") == "pass");
        }
    }
    SECTION("a relative store path is relative to the configuration file") {
        TempDir dir;
        REQUIRE(mkdir(dir.file("etc").c_str(), 0700) == 0);
        write_file(dir.file("etc/medlint.xml"), "<medlint><store path=\"data.db\"/><language default=\"en\"/></medlint>");
        Engine engine(dir.file("etc/medlint.xml"));
        CHECK(std::filesystem::exists(dir.file("etc/data.db")));
        Doc doc;
        doc.lang = "";  // the configured default: en
        doc.card = R"(name="李五")";
        CHECK(contains(engine.ok(doc.str()).messages(), "differs from"));
    }
    SECTION("a store read without memory-mapped pages and with the smallest page cache finds its history") {
        TempDir dir;
        write_file(dir.file("medlint.xml"),
                   "<medlint><store path=\"data.db\" mmap-mib=\"0\" cache-mib=\"1\"/></medlint>");
        Engine engine(dir.file("medlint.xml"));
        Doc earlier;
        earlier.encounter = "MZ20261120001";
        earlier.items = {test::item("1", "drug", "XA10BAA002A001010101445", "二甲双胍片", "2026-11-20", 7)};
        test::check(engine, earlier.commit());
        CHECK(test::check(engine, Doc{}).fired("DUP-DRUG"));
    }
    SECTION("a NULL out pointer is MEDLINT_EINVAL; a failed open leaves NULL") {
        Scratch scratch;
        CHECK(medlint_open(scratch.config.c_str(), nullptr) == MEDLINT_EINVAL);
        medlint_engine *engine = reinterpret_cast<medlint_engine *>(&scratch);
        CHECK(medlint_open(scratch.dir.file("missing.xml").c_str(), &engine) == MEDLINT_ECONFIG);
        CHECK(engine == nullptr);
    }
}

TEST_CASE("rule packs: a bad row is refused with file and line, later packs override", "[config][packs]") {
    TempDir dir;
    std::string config = dir.file("medlint.xml");
    std::string store = dir.file("store.db");
    const char *pack_xml = "<pack id=\"local\" version=\"7\"/>";

    SECTION("a severity that is none") {
        write_pack(dir, "bad", {{"pack.xml", pack_xml},
                               {"rules.csv", "rule,severity,certainty\nID-INVALID,warning,definite\n"
                                             "ID-MISMATCH,severe,definite\n"}});
        write_file(config, test::config_xml(store, "national-2024", "<rules path=\"bad\"/>"));
        expect_config_error(config, {"rules.csv:3", "severity", "severe"});
    }
    SECTION("on top of the default pack") {
        write_pack(dir, "bad", {{"pack.xml", pack_xml}, {"points.csv", "profile,rule,points\nnational-2024,ID-INVALID,x\n"}});
        write_file(config, test::config_xml(store, "national-2024",
                                            "<rules path=\"" MEDLINT_DEFAULT_PACK "\"/><rules path=\"bad\"/>"));
        expect_config_error(config, {"points.csv:2", "points"});
    }
    SECTION("an unclosed quote") {
        write_pack(dir, "bad", {{"pack.xml", pack_xml}, {"messages.csv", "key,zh,en\nA.b.message,\"甲,b\n"}});
        write_file(config, test::config_xml(store, "national-2024", "<rules path=\"bad\"/>"));
        expect_config_error(config, {"messages.csv:", "quoted"});
    }
    SECTION("no pack.xml") {
        write_pack(dir, "bad", {{"rules.csv", "rule,severity,certainty\n"}});
        write_file(config, test::config_xml(store, "national-2024", "<rules path=\"bad\"/>"));
        expect_config_error(config, {"pack.xml"});
    }
    SECTION("a later pack overrides a row of an earlier one") {
        write_pack(dir, "local", {{"pack.xml", pack_xml},
                                 {"rules.csv", "rule,severity,certainty,basis_en\n"
                                               "ID-MISMATCH,block,definite,local rule 12\n"}});
        write_file(config, test::config_xml(store, "national-2024",
                                            "<rules path=\"" MEDLINT_DEFAULT_PACK "\"/><rules path=\"local\"/>"));
        Engine engine(config);
        Doc doc;
        doc.card = R"(name="李五")";
        Reply reply = engine.ok(doc.str());
        CHECK(reply.attr("rules") == "default 2026.11; local 7");
        CHECK(reply.attr("status") == "block");
        auto finding = reply.finding("ID-MISMATCH");
        CHECK(std::string(finding.attribute("severity").value()) == "block");
        CHECK(std::string(finding.child_value("basis")) == "local rule 12");
        // The rest of the default pack still applies.
        CHECK(contains(finding.child_value("message"), "differs from"));
        CHECK(std::string(finding.attribute("points").value()) == "6");
    }
}

TEST_CASE("without a configuration the store is made in a private folder under XDG_DATA_HOME", "[config]") {
    TempDir dir;
    std::string data_home = dir.file("home/.local/share");
    std::string previous = std::getenv("XDG_DATA_HOME") ? std::getenv("XDG_DATA_HOME") : "";
    REQUIRE(setenv("XDG_DATA_HOME", data_home.c_str(), 1) == 0);
    medlint_engine *engine = nullptr;
    int code = medlint_open(nullptr, &engine);
    INFO(medlint_last_error());
    medlint_close(engine);
    if (previous.empty()) unsetenv("XDG_DATA_HOME");
    else setenv("XDG_DATA_HOME", previous.c_str(), 1);
    REQUIRE(code == MEDLINT_OK);
    struct stat folder {};
    REQUIRE(stat((data_home + "/medlint").c_str(), &folder) == 0);
    CHECK((folder.st_mode & 0777) == 0700);
    CHECK(stat((data_home + "/medlint/medlint.db").c_str(), &folder) == 0);
}
