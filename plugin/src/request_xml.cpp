#include "request_xml.hpp"

#include <pugixml.hpp>

#include <charconv>
#include <sstream>
#include <system_error>

namespace medlint {
namespace {

// Sets the attribute only when it has a value: parse_request reads an absent
// attribute as its default, and some (insurance-class) refuse an empty one.
void set_given(pugi::xml_node node, const char *name, const std::string &value) {
    if (!value.empty()) node.append_attribute(name) = value.c_str();
}

void set_date(pugi::xml_node node, const char *name, const std::optional<Date> &date) {
    if (date) node.append_attribute(name) = date->str().c_str();
}

// The shortest text that strtod reads back as exactly `value`.
std::string exact_number(double value) {
    char text[32];
    auto [end, error] = std::to_chars(text, text + sizeof text, value);
    return error == std::errc() ? std::string(text, end) : std::to_string(value);
}

void append_patient(pugi::xml_node root, const Patient &patient) {
    pugi::xml_node node = root.append_child("patient");
    node.append_attribute("id-type") = patient.id_type.c_str();
    node.append_attribute("id") = patient.id.c_str();
    set_given(node, "name", patient.name);
    node.append_attribute("gender") = patient.gender.c_str();
    set_date(node, "birth-date", patient.birth_date);
    set_given(node, "insurance-no", patient.insurance_no);
    if (!patient.card) return;
    pugi::xml_node card = node.append_child("card");
    set_given(card, "id", patient.card->id);
    set_given(card, "name", patient.card->name);
    card.append_attribute("gender") = patient.card->gender.c_str();
    set_date(card, "birth-date", patient.card->birth_date);
    set_given(card, "source", patient.card->source);
}

void append_encounter(pugi::xml_node root, const Encounter &encounter) {
    pugi::xml_node node = root.append_child("encounter");
    node.append_attribute("id") = encounter.id.c_str();
    node.append_attribute("type") = encounter.type.c_str();
    set_date(node, "admitted", encounter.admitted);
    set_date(node, "discharged", encounter.discharged);
    if (encounter.rescue) node.append_attribute("rescue") = "true";
    set_given(node, "insurance", encounter.insurance);
    node.append_attribute("channel") = encounter.channel.c_str();
    for (const auto &diagnosis : encounter.diagnoses) {
        pugi::xml_node child = node.append_child("diagnosis");
        child.append_attribute("code") = diagnosis.code.c_str();
        set_given(child, "name", diagnosis.name);
        if (diagnosis.primary) child.append_attribute("primary") = "true";
    }
}

void append_item(pugi::xml_node root, const Item &item) {
    pugi::xml_node node = root.append_child("item");
    node.append_attribute("id") = item.id.c_str();
    node.append_attribute("kind") = item.kind.c_str();
    node.append_attribute("code") = item.code.c_str();
    set_given(node, "name", item.name);
    set_given(node, "unit", item.unit);
    set_given(node, "prescription", item.prescription);
    set_given(node, "operation", item.operation);
    set_given(node, "insurance-class", to_string(item.insurance_class));
    // Present, even empty, exactly when the item named its own physician.
    if (item.own_physician) node.append_attribute("physician") = item.physician.c_str();
    node.append_attribute("quantity") = exact_number(item.quantity).c_str();
    node.append_attribute("price") = exact_number(item.price).c_str();
    if (item.list_price) node.append_attribute("list-price") = exact_number(*item.list_price).c_str();
    if (item.days > 0) node.append_attribute("days") = item.days;
    node.append_attribute("date") = item.date.str().c_str();
    if (item.discharge_medication) node.append_attribute("discharge-medication") = "true";
    if (item.approved) node.append_attribute("approved") = "true";
}

void append_consent(pugi::xml_node root, const Consent &consent) {
    pugi::xml_node node = root.append_child("consent");
    set_given(node, "id", consent.id);
    set_given(node, "signer", consent.signer);
    set_given(node, "signed", consent.signed_time);
    std::string items;
    for (const auto &id : consent.items) items += (items.empty() ? "" : " ") + id;
    node.append_attribute("items") = items.c_str();
}

}  // namespace

std::string document_request(const Document &document) {
    pugi::xml_document xml;
    pugi::xml_node root = xml.append_child(document.commit ? "commit" : "check");
    root.append_attribute("mode") = to_string(document.mode);
    set_given(root, "time", document.time);
    if (document.defer_audit) root.append_attribute("audit") = "deferred";
    if (!document.institution.code.empty() || !document.institution.level.empty()) {
        pugi::xml_node institution = root.append_child("institution");
        set_given(institution, "code", document.institution.code);
        set_given(institution, "level", document.institution.level);
    }
    if (document.physician) {
        pugi::xml_node physician = root.append_child("physician");
        physician.append_attribute("code") = document.physician->code.c_str();
        set_given(physician, "name", document.physician->name);
        set_given(physician, "dept", document.physician->dept);
    }
    append_patient(root, document.patient);
    append_encounter(root, document.encounter);
    for (const auto &item : document.items) append_item(root, item);
    for (const auto &consent : document.consents) append_consent(root, consent);
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    xml.save(out, "  ", pugi::format_indent | pugi::format_no_declaration, pugi::encoding_utf8);
    return out.str();
}

}  // namespace medlint
