#include "services/identifier_check.hpp"

#include <gtest/gtest.h>

namespace rounds::deid {
namespace {

// "kind:text" for each span, in order: compact and readable in a failure message.
std::vector<std::string> flagged(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& s : findIdentifiers("f", text))
    out.push_back(std::string(kindName(s.kind)) + ":" + s.text);
  return out;
}

using V = std::vector<std::string>;

TEST(IdentifierCheck, CleanDeidentifiedCaseHasNoSpans) {
  const char* text =
      "Male, age band 60-69. Admitted in January 2020 with fever (38.9 C) for 5 days, dry cough "
      "and dyspnoea. SpO2 88% on room air, RR 30/min, BP 120/80. CT: bilateral ground-glass "
      "opacities. WBC 3.2 x 10^9/L, lymphocytes 0.6 x 10^9/L, CRP 86 mg/L, D-dimer 2.1 mg/L. "
      "Treated with high-flow oxygen 50 L/min, FiO2 0.6; prone positioning 12-16 h/day. "
      "SARS-CoV-2 RT-PCR positive on day 3. Discharged in 2020 after 21 days.";
  EXPECT_EQ(flagged(text), V{});
}

TEST(IdentifierCheck, FlagsFullNameAndPhoneTogether) {
  auto spans =
      findIdentifiers("history", "Mr. John Smith, call his wife on +44 20 7946 0958 if worse.");
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].kind, IdentifierKind::kName);
  EXPECT_EQ(spans[0].text, "Mr. John Smith");
  EXPECT_EQ(spans[0].byteOffset, 0u);
  EXPECT_EQ(spans[0].field, "history");
  EXPECT_EQ(spans[1].kind, IdentifierKind::kPhone);
  EXPECT_EQ(spans[1].text, "+44 20 7946 0958");
  EXPECT_EQ(spans[1].byteOffset, 33u);
  EXPECT_EQ(spans[1].byteLength, 16u);
  EXPECT_FALSE(spans[1].reason.empty());
}

TEST(IdentifierCheck, Names) {
  EXPECT_EQ(flagged("Seen by Dr Wei Zhang at night."), V{"name:Dr Wei Zhang"});
  EXPECT_EQ(flagged("Prof. A. Lopez reviewed"), V{"name:Prof. A. Lopez"});
  EXPECT_EQ(flagged("Patient name: Maria Gonzalez; female"), V{"name:Maria Gonzalez"});
  EXPECT_EQ(flagged("The patient, Sarah Connor, denied"), V{"name:Sarah Connor"});
  EXPECT_EQ(flagged("Wang Fang was transferred"), V{"name:Wang Fang"});
  // MS (multiple sclerosis) is not a title; a lone "Dr" is not a name.
  EXPECT_EQ(flagged("Known MS Relapse, seen by the Dr on call"), V{});
}

TEST(IdentifierCheck, ExactDatesButNotYearsOrMonthYear) {
  EXPECT_EQ(flagged("DOB 1958-03-14, admitted 02/01/2020."),
            (V{"date:1958-03-14", "date:02/01/2020"}));
  EXPECT_EQ(flagged("Admitted on 12 March 2020 and again on March 30, 2020"),
            (V{"date:12 March 2020", "date:March 30, 2020"}));
  EXPECT_EQ(flagged("born 3rd of May 1961"), V{"date:3rd of May 1961"});
  EXPECT_EQ(flagged("Onset in March 2020; follow-up 2021; age 45-49; 14.3.20 ratio"), V{});
  EXPECT_EQ(flagged("Admitted 13.04.2021"), V{"date:13.04.2021"});
  // Month 13 and day 32 are not dates.
  EXPECT_EQ(flagged("values 2020-13-40 and 32/14/2020"), V{});
}

// A date-shaped prefix followed by a long run of digits (identifier_fuzz found it overflowing an
// int under UBSan): not a date, and the date after it is still found; a long number standing
// alone is flagged as what it may be, an identifier.
TEST(IdentifierCheck, LongDigitRunAfterADatePrefixIsNotADate) {
  EXPECT_EQ(flagged("DOB 1958-03-14111111111111111111111111 x"), V{});
  EXPECT_EQ(flagged("ref 03/14/99999999999999999999, seen 02/01/2020"),
            (V{"id_number:99999999999999999999", "date:02/01/2020"}));
}

TEST(IdentifierCheck, PhoneNumbers) {
  EXPECT_EQ(flagged("tel 555-0142-77"), V{"phone:555-0142-77"});
  EXPECT_EQ(flagged("reach the ward at (206) 555-0142 overnight"), V{"phone:(206) 555-0142"});
  EXPECT_EQ(flagged("family: +1 415 555 2671"), V{"phone:+1 415 555 2671"});
  EXPECT_EQ(flagged("Took 2 tablets, 500 mg, 3 times a day"), V{});
}

TEST(IdentifierCheck, IdNumbers) {
  EXPECT_EQ(flagged("MRN: 004821"), V{"id_number:004821"});
  EXPECT_EQ(flagged("Passport E12345678 seen at border"), V{"id_number:E12345678"});
  EXPECT_EQ(flagged("SSN 078-05-1120"), V{"id_number:078-05-1120"});
  EXPECT_EQ(flagged("hospital no. 2021-5531"), V{"id_number:2021-5531"});
  EXPECT_EQ(flagged("ref 12345678"), V{"id_number:12345678"});
  // COVID-19, H1N1, CD4 count 350, IL-6 40 pg/mL: short alphanumerics are not IDs.
  EXPECT_EQ(flagged("COVID-19 with H1N1 co-infection, CD4 350, IL-6 40 pg/mL, ID consult"), V{});
}

TEST(IdentifierCheck, Addresses) {
  EXPECT_EQ(flagged("lives at 221B Baker Street with family"), V{"address:221B Baker Street"});
  EXPECT_EQ(flagged("Address: 12 Harbour View, Kowloon"), V{"address:12 Harbour View"});
}

TEST(IdentifierCheck, EmailAddresses) {
  EXPECT_EQ(flagged("send images to j.smith+icu@hospital.example.org."),
            V{"email:j.smith+icu@hospital.example.org"});
  EXPECT_EQ(flagged("ratio a@b and @handle"), V{});
}

TEST(IdentifierCheck, ChineseText) {
  EXPECT_EQ(flagged("患者，男，60-69岁。电话13812345678，身份证号110105194912310025。"),
            (V{"phone:13812345678", "id_number:110105194912310025"}));
  EXPECT_EQ(flagged("姓名：张三，住址：武汉市解放大道1095号"),
            (V{"name:张三", "address:武汉市解放大道1095号"}));
  EXPECT_EQ(flagged("2020年1月15日入院，王建国先生诉发热"),
            (V{"date:2020年1月15日", "name:王建国"}));
  // 张某 is already a pseudonym; 2020年1月 (month and year) is not an exact date; 高热 is a
  // symptom.
  EXPECT_EQ(flagged("患者张某某先生，2020年1月起高热，身份证已核对"), V{});
}

TEST(IdentifierCheck, ChineseIdWithXChecksum) {
  EXPECT_EQ(flagged("身份证 11010519491231002X"), V{"id_number:11010519491231002X"});
}

TEST(IdentifierCheck, CharacterOffsetsCountCodePoints) {
  // "电话：" is 3 code points and 9 bytes.
  auto spans = findIdentifiers("history", "电话：13812345678");
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].byteOffset, 9u);
  EXPECT_EQ(spans[0].charOffset, 3u);
  EXPECT_EQ(spans[0].charLength, 11u);
}

TEST(IdentifierCheck, SurvivesHostileInput) {
  std::string junk = "\xff\xfe@@.@\xe4\xb8\xad\xe4";
  for (int i = 0; i < 200; ++i) junk += "1 (+-.";
  junk += std::string(300, '9') + "号";
  auto spans = findIdentifiers("x", junk);
  for (const auto& s : spans) EXPECT_LE(s.byteOffset + s.byteLength, junk.size());
}

}  // namespace
}  // namespace rounds::deid
