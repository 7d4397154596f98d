//! The words of each message, per locale (en_IN, hi_IN, pa_IN) and kind (welcome, code, notice), and the ids that
//! India's DLT and the providers know them by. The texts are the DLT-registered templates: a provider that
//! renders on its side (MSG91's Flow) gets only the variables, one that does not (Twilio, email) gets the
//! text rendered here. Each default text fits in two SMS parts with realistic values (checked in the tests).

use worker::Env;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Welcome,
    Code,
    /// A `register` code was asked for a number that has an account already: its owner is told so, and how to
    /// log in or reset (the one asking is answered as for a new number).
    Notice,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "welcome" => Some(Kind::Welcome),
            "code" => Some(Kind::Code),
            "notice" => Some(Kind::Notice),
            _ => None,
        }
    }
}

/// The values a text is filled with. MSG91 takes each as a variable of at most 40 characters.
pub struct Vars<'a> {
    pub name: &'a str,
    pub link: &'a str,
    pub user: &'a str,
    /// The one-time password (welcome) or the 6-digit code (code).
    pub secret: &'a str,
    pub minutes: u64,
}

/// A locale with texts of its own; any other falls back to en_IN.
pub fn locale(l: &str) -> &'static str {
    match l {
        "hi_IN" | "hi" => "hi_IN",
        "pa_IN" | "pa" => "pa_IN",
        _ => "en_IN",
    }
}

fn text(kind: Kind, locale: &str) -> &'static str {
    match (kind, locale) {
        (Kind::Welcome, "hi_IN") => "{name}, enrol खाता तैयार है। {link} पर {user} व पासवर्ड {password} से लॉग इन करें।",
        (Kind::Welcome, "pa_IN") => "{name}, enrol ਖਾਤਾ ਤਿਆਰ ਹੈ। {link} ਤੇ {user} ਤੇ ਪਾਸਵਰਡ {password} ਨਾਲ ਲੌਗ ਇਨ ਕਰੋ।",
        (Kind::Welcome, _) => {
            "Hello {name}, your enrol account is ready. Open {link} and log in as {user} with the one-time password {password}, then choose your own."
        }
        (Kind::Code, "hi_IN") => "{otp} आपका enrol कोड है। यह {minutes} मिनट तक मान्य है। इसे किसी को न बताएँ।",
        (Kind::Code, "pa_IN") => "{otp} ਤੁਹਾਡਾ enrol ਕੋਡ ਹੈ। ਇਹ {minutes} ਮਿੰਟ ਲਈ ਵੈਧ ਹੈ। ਇਹ ਕਿਸੇ ਨੂੰ ਨਾ ਦੱਸੋ।",
        (Kind::Code, _) => "{otp} is your enrol code. It is valid for {minutes} minutes. Do not share it with anyone.",
        (Kind::Notice, "hi_IN") => "इस नंबर का enrol खाता पहले से है। {link} पर लॉग इन करें, या पासवर्ड भूल गए पर पासवर्ड बदलें।",
        (Kind::Notice, "pa_IN") => "ਇਸ ਨੰਬਰ ਦਾ enrol ਖਾਤਾ ਪਹਿਲਾਂ ਹੀ ਹੈ। {link} ਤੇ ਲੌਗ ਇਨ ਕਰੋ, ਜਾਂ ਪਾਸਵਰਡ ਭੁੱਲ ਗਏ ਤੇ ਪਾਸਵਰਡ ਬਦਲੋ।",
        (Kind::Notice, _) => {
            "This number already has an enrol account. Log in at {link}, or choose Forgot password there to reset it."
        }
    }
}

/// The text of a message.
pub fn render(kind: Kind, l: &str, v: &Vars<'_>) -> String {
    text(kind, locale(l))
        .replace("{name}", v.name)
        .replace("{link}", v.link)
        .replace("{user}", v.user)
        .replace("{password}", v.secret)
        .replace("{otp}", v.secret)
        .replace("{minutes}", &v.minutes.to_string())
}

/// The ids a template is known by: the provider's (MSG91's template id) and India's DLT ones. Defaults are
/// placeholders that work against a stand-in server; the README says to replace them.
pub struct Ids {
    pub msg91_template: String,
    pub dlt_template: String,
    pub dlt_entity: String,
}

pub fn ids(env: &Env, kind: Kind, l: &str) -> Ids {
    let var = |name: &str, default: &str| crate::config::text_var(env, name).unwrap_or_else(|| default.to_string());
    let k = match kind {
        Kind::Welcome => "WELCOME",
        Kind::Code => "CODE",
        Kind::Notice => "NOTICE",
    };
    let lc = locale(l).replace('_', "").to_uppercase();
    let default_template = format!("REPLACE-{k}-{lc}");
    Ids {
        // A per-locale id wins (e.g. MSG91_WELCOME_TEMPLATE_HIIN), then the kind's, then the placeholder.
        msg91_template: var(
            &format!("MSG91_{k}_TEMPLATE_{lc}"),
            &var(&format!("MSG91_{k}_TEMPLATE"), &default_template),
        ),
        dlt_template: var(&format!("DLT_{k}_TEMPLATE_{lc}"), &var(&format!("DLT_{k}_TEMPLATE"), "")),
        dlt_entity: var("DLT_ENTITY_ID", ""),
    }
}
