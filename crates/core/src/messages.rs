//! The words the admin reads, per issue code and locale. `{value}` and `{param}` are filled in.

use crate::issue::{Code, Issue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    EnIn,
    HiIn,
}

impl Locale {
    pub fn parse(s: &str) -> Option<Locale> {
        match s {
            "en_IN" | "en" => Some(Locale::EnIn),
            "hi_IN" | "hi" => Some(Locale::HiIn),
            _ => None,
        }
    }
}

fn template(code: Code, locale: Locale) -> &'static str {
    use Code::*;
    match locale {
        Locale::EnIn => match code {
            EmptyFile => "The file is empty. Add a header row and one row per person.",
            NotCsv => {
                "This is not a CSV file (it looks like a spreadsheet or other binary file). In Excel or Google Sheets choose File › Save as / Download › \"CSV UTF-8 (comma delimited)\" and choose that file."
            }
            NoDataRows => "The file has a header but no rows of people.",
            TooManyRows => {
                "The file has more than {param} rows of people; split it into files of at most {param} rows."
            }
            TooManyIssues => {
                "There are too many problems to list; only the first {param} are shown. Fix these and check again."
            }
            UnterminatedQuote => {
                "A quoted cell starting on this line is never closed: add the missing \" (everything after it was read as one cell)."
            }
            UnknownColumn => "Unknown column \"{value}\". Valid columns are: {param}.",
            DuplicateColumn => "The column \"{value}\" appears more than once.",
            MissingColumn => "The mandatory column \"{param}\" is missing.",
            InvalidUtf8 => "This cell has characters that are not UTF-8. Save the file as \"CSV UTF-8\".",
            WrongFieldCount => {
                "This row has {param} cells; the header has a different number. Check for a missing or extra comma."
            }
            StrayQuote => {
                "A quote mark (\") is in the wrong place. Put the whole cell in quotes and double any quote inside it."
            }
            Required => "This cell is mandatory.",
            TooLong => "Too long: at most {param} characters.",
            TooShort => "Too short: at least {param} characters.",
            InvalidName => "A name may contain only letters (any script), spaces, and . ' -",
            InvisibleCharacter => {
                "This name holds an invisible character (a text-direction mark such as U+202E, a zero-width space or a soft hyphen) that can make it read as something else. Type the name again without it."
            }
            InvalidPhone => "Not a valid Indian mobile number: {param} (a +91 prefix is fine).",
            InvalidEmail => "Not a valid email address.",
            PhoneOrEmailRequired => "Give a phone number or an email address (or both).",
            UserNameOrPhoneRequired => {
                "Give a userName or a phone number: the phone is the login id when userName is blank."
            }
            InvalidUserName => "A userName has 4 to 64 letters, digits and . _ - @ only.",
            CommonPassword => {
                "This password is too common. Leave it blank to send a one-time password by SMS (recommended)."
            }
            ProviderPhoneVerifiedPair => "Fill in provider and phoneVerified together, or leave both blank.",
            InvalidBoolean => "Write TRUE or FALSE.",
            UnknownValue => "Unknown value(s): {param}.",
            InvalidDate => {
                "Not a real date: write the date of birth as DD-MM-YYYY (12-10-1992) or YYYY-MM-DD (1992-10-12)."
            }
            DateInFuture => "The date of birth is in the future.",
            InvalidGender => "Write Male, Female, Transgender or Other.",
            ExternalIdIncomplete => {
                "externalId, externalIdType and externalIdProvider go together: fill in all three or none ({param} missing)."
            }
            InvalidExternalIds => {
                "Write externalIds as a JSON list like [{\"id\":\"…\",\"idType\":\"…\",\"provider\":\"…\",\"operation\":\"ADD\"}]: {param}."
            }
            InvalidCountryCode => "Not a country code: write +91 (or 91), or leave it blank.",
            CountryCodeNotIndia => {
                "enrol registers Indian mobile numbers only: the countryCode must be +91 (or 91), or blank."
            }
            InvalidWebPages => "Write webPages as a JSON list like [{\"type\":\"fb\",\"url\":\"https://…\"}]: {param}.",
            DuplicateInFile => "The same value is also on row {param}; each person needs their own.",
            AlreadyExists => "A user of this tenant already has this value; each person needs their own.",
            FormulaLike => {
                "This cell starts with = + - or @ (or a full-width ＝ ＋ － ＠) and would run as a formula when the file is opened in a spreadsheet."
            }
            PasswordInFile => {
                "A password in the file is readable by anyone who gets the file; leaving it blank sends a one-time password by SMS instead."
            }
            IgnoredColumn => "\"{value}\" is a Sunbird column that enrol does not use: its cells are ignored.",
            Windows1252 => {
                "From this line on the file is not UTF-8: it was read as Windows-1252 (Excel's \"CSV (Comma delimited)\"). Check that names read correctly; Hindi names need \"CSV UTF-8\"."
            }
        },
        Locale::HiIn => match code {
            EmptyFile => "फ़ाइल खाली है। एक शीर्षक पंक्ति और हर व्यक्ति के लिए एक पंक्ति जोड़ें।",
            NotCsv => {
                "यह CSV फ़ाइल नहीं है (यह स्प्रेडशीट या कोई अन्य बाइनरी फ़ाइल लगती है)। Excel या Google Sheets में File › Save as / Download › \"CSV UTF-8 (comma delimited)\" चुनें और वही फ़ाइल चुनें।"
            }
            NoDataRows => "फ़ाइल में शीर्षक है पर लोगों की कोई पंक्ति नहीं है।",
            TooManyRows => "फ़ाइल में {param} से अधिक लोगों की पंक्तियाँ हैं; इसे अधिकतम {param} पंक्तियों वाली फ़ाइलों में बाँटें।",
            TooManyIssues => "समस्याएँ बहुत अधिक हैं; केवल पहली {param} दिखाई गई हैं। इन्हें ठीक करके फिर से जाँचें।",
            UnterminatedQuote => {
                "इस पंक्ति से शुरू हुआ उद्धरण-चिह्न वाला सेल कभी बंद नहीं होता: छूटा हुआ \" जोड़ें (उसके बाद का सब कुछ एक ही सेल माना गया)।"
            }
            UnknownColumn => "अज्ञात कॉलम \"{value}\"। मान्य कॉलम हैं: {param}।",
            DuplicateColumn => "कॉलम \"{value}\" एक से अधिक बार है।",
            MissingColumn => "अनिवार्य कॉलम \"{param}\" नहीं है।",
            InvalidUtf8 => "इस सेल में ऐसे अक्षर हैं जो UTF-8 नहीं हैं। फ़ाइल को \"CSV UTF-8\" के रूप में सहेजें।",
            WrongFieldCount => "इस पंक्ति में {param} सेल हैं; शीर्षक में संख्या अलग है। कोई छूटा या अतिरिक्त अल्पविराम देखें।",
            StrayQuote => "उद्धरण-चिह्न (\") गलत जगह है। पूरे सेल को उद्धरण-चिह्नों में रखें और भीतर के हर \" को दो बार लिखें।",
            Required => "यह सेल अनिवार्य है।",
            TooLong => "बहुत लंबा: अधिकतम {param} अक्षर।",
            TooShort => "बहुत छोटा: कम से कम {param} अक्षर।",
            InvalidName => "नाम में केवल अक्षर (किसी भी लिपि के), रिक्त स्थान और . ' - हो सकते हैं।",
            InvisibleCharacter => {
                "इस नाम में एक अदृश्य अक्षर है (लेखन की दिशा बदलने वाला चिह्न जैसे U+202E, शून्य-चौड़ाई रिक्त स्थान या सॉफ़्ट हाइफ़न), जिससे नाम कुछ और पढ़ा जा सकता है। नाम उसके बिना फिर से लिखें।"
            }
            InvalidPhone => "मान्य भारतीय मोबाइल नंबर नहीं: {param} (+91 लगाना ठीक है)।",
            InvalidEmail => "मान्य ईमेल पता नहीं है।",
            PhoneOrEmailRequired => "फ़ोन नंबर या ईमेल पता (या दोनों) दें।",
            UserNameOrPhoneRequired => "userName या फ़ोन नंबर दें: userName खाली होने पर फ़ोन ही लॉगिन आईडी है।",
            InvalidUserName => "userName में 4 से 64 अक्षर, अंक और केवल . _ - @ हो सकते हैं।",
            CommonPassword => "यह पासवर्ड बहुत आम है। इसे खाली छोड़ें ताकि SMS से एक बार का पासवर्ड भेजा जाए (अनुशंसित)।",
            ProviderPhoneVerifiedPair => "provider और phoneVerified दोनों भरें, या दोनों खाली छोड़ें।",
            InvalidBoolean => "TRUE या FALSE लिखें।",
            UnknownValue => "अज्ञात मान: {param}।",
            InvalidDate => "सही तारीख नहीं: जन्म तिथि DD-MM-YYYY (12-10-1992) या YYYY-MM-DD (1992-10-12) के रूप में लिखें।",
            DateInFuture => "जन्म तिथि भविष्य में है।",
            InvalidGender => "Male, Female, Transgender या Other लिखें।",
            ExternalIdIncomplete => {
                "externalId, externalIdType और externalIdProvider साथ-साथ भरें: तीनों भरें या कोई नहीं ({param} नहीं है)।"
            }
            InvalidExternalIds => {
                "externalIds को JSON सूची के रूप में लिखें, जैसे [{\"id\":\"…\",\"idType\":\"…\",\"provider\":\"…\",\"operation\":\"ADD\"}]: {param}।"
            }
            InvalidCountryCode => "यह देश कोड नहीं है: +91 (या 91) लिखें, या खाली छोड़ें।",
            CountryCodeNotIndia => "enrol केवल भारतीय मोबाइल नंबर पंजीकृत करता है: countryCode +91 (या 91) हो, या खाली हो।",
            InvalidWebPages => {
                "webPages को JSON सूची के रूप में लिखें, जैसे [{\"type\":\"fb\",\"url\":\"https://…\"}]: {param}।"
            }
            DuplicateInFile => "यही मान पंक्ति {param} में भी है; हर व्यक्ति का अपना होना चाहिए।",
            AlreadyExists => "इस टेनेंट के किसी उपयोगकर्ता के पास पहले से यही मान है; हर व्यक्ति का अपना होना चाहिए।",
            FormulaLike => {
                "यह सेल = + - या @ (या पूरी चौड़ाई वाले ＝ ＋ － ＠) से शुरू होता है और स्प्रेडशीट में खोलने पर सूत्र की तरह चलेगा।"
            }
            PasswordInFile => {
                "फ़ाइल में लिखा पासवर्ड फ़ाइल पाने वाला कोई भी पढ़ सकता है; खाली छोड़ने पर SMS से एक बार का पासवर्ड भेजा जाता है।"
            }
            IgnoredColumn => "\"{value}\" Sunbird का कॉलम है जिसे enrol उपयोग नहीं करता: इसके सेल अनदेखे किए जाते हैं।",
            Windows1252 => {
                "इस पंक्ति से फ़ाइल UTF-8 में नहीं है: इसे Windows-1252 (Excel का \"CSV (Comma delimited)\") मानकर पढ़ा गया। जाँच लें कि नाम सही पढ़े गए हैं; हिंदी नामों के लिए \"CSV UTF-8\" चुनें।"
            }
        },
    }
}

/// The heading of the column that a file sent back to its owner gets: each row's problems.
pub fn problems_heading(locale: Locale) -> &'static str {
    match locale {
        Locale::EnIn => "Problems",
        Locale::HiIn => "समस्याएँ",
    }
}

/// The message of `issue` in `locale`.
pub fn message(issue: &Issue, locale: Locale) -> String {
    let t = template(issue.code, locale);
    if !t.contains('{') {
        return t.to_string();
    }
    let param = match issue.code {
        Code::InvalidPhone => mobile_rule(issue.param.as_deref(), locale),
        _ => issue.param.clone().unwrap_or_default(),
    };
    t.replace("{value}", issue.value.as_deref().unwrap_or("")).replace("{param}", &param)
}

/// The deployment's mobile rule in words, from an `invalid_phone` issue's `digits|first digits` (`10|6789`;
/// an issue stored without it is the default rule): "10 digits starting with 6, 7, 8 or 9", "10 digits".
fn mobile_rule(param: Option<&str>, locale: Locale) -> String {
    let (n, first) = param.and_then(|p| p.split_once('|')).unwrap_or(("10", "6789"));
    let list = |or: &str| match first.len() {
        0 | 1 => first.to_string(),
        k => {
            let (head, last) = first.split_at(k - 1);
            let head: Vec<String> = head.chars().map(String::from).collect();
            format!("{} {or} {last}", head.join(", "))
        }
    };
    match (locale, first.len() >= 10) {
        (Locale::EnIn, true) => format!("{n} digits"),
        (Locale::EnIn, false) => format!("{n} digits starting with {}", list("or")),
        (Locale::HiIn, true) => format!("{n} अंक"),
        (Locale::HiIn, false) => format!("{} से शुरू होने वाले {n} अंक", list("या")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_message_in_every_locale_and_no_placeholder_is_left() {
        for &code in Code::ALL {
            for locale in [Locale::EnIn, Locale::HiIn] {
                let issue = Issue {
                    row: None,
                    line: None,
                    column: None,
                    code,
                    value: Some("v".into()),
                    param: Some("p".into()),
                };
                let m = message(&issue, locale);
                assert!(!m.is_empty() && !m.contains("{value}") && !m.contains("{param}"), "{code:?} {locale:?}");
            }
        }
        assert_ne!(template(Code::Required, Locale::EnIn), template(Code::Required, Locale::HiIn));
    }

    #[test]
    fn an_invalid_phone_states_the_deployments_rule_in_each_language() {
        let issue = |param: Option<&str>| Issue {
            row: Some(1),
            line: Some(2),
            column: None,
            code: Code::InvalidPhone,
            value: Some("12345".into()),
            param: param.map(str::to_string),
        };
        for (param, locale, want, why) in [
            (Some("10|6789"), Locale::EnIn, "10 digits starting with 6, 7, 8 or 9", "DIGIT 2.12's rule"),
            (Some("10|0123456789"), Locale::EnIn, "10 digits (", "DIGIT 2.9's: any first digit"),
            (Some("9|6789"), Locale::HiIn, "6, 7, 8 या 9 से शुरू होने वाले 9 अंक", "another length, in Hindi"),
            (Some("10|0123456789"), Locale::HiIn, ": 10 अंक (", "any first digit, in Hindi"),
            (None, Locale::EnIn, "10 digits starting with 6, 7, 8 or 9", "an issue stored before the rule travelled"),
        ] {
            let m = message(&issue(param), locale);
            assert!(m.contains(want), "{why}: {m}");
        }
    }

    #[test]
    fn an_invalid_date_names_both_spellings_that_are_accepted() {
        for locale in [Locale::EnIn, Locale::HiIn] {
            let t = template(Code::InvalidDate, locale);
            assert!(t.contains("DD-MM-YYYY") && t.contains("YYYY-MM-DD"), "{locale:?}: {t}");
        }
    }
}
