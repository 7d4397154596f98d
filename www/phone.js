// The phone pages, /login and /register: log in (and choose a password after a one-time one), forgot password by
// an SMS code, and citizen registration. Plain DOM, no framework, one small file for a slow network. The server
// checks everything again; the checks here are for quick, kind feedback.
'use strict';

const T = {
  en_IN: {
    app: 'enrol', language: 'Language', loginTitle: 'Log in', loginId: 'Login id (mobile number)', password: 'Password',
    tenant: 'Office (tenant)', tenantHint: 'As written in your SMS, for example pb.demo.', loginButton: 'Log in',
    forgot: 'Forgot password? Get a code by SMS', registerLink: 'New here? Register with your mobile number',
    chooseTitle: 'Choose your own password', chooseIntro: 'You logged in with a one-time password. Choose a password that only you know.',
    newPassword: 'New password', show: 'Show password', saveButton: 'Save password', forgotTitle: 'Forgot password',
    mobile: 'Mobile number', sendButton: 'Send code', code: '6-digit code from the SMS', setButton: 'Set password',
    resend: 'Send a new code', resendIn: 'Send a new code (wait {s} s)', back: 'Back to log in', doneTitle: 'You are done',
    doneNext: 'Next time, log in with your login id and the password you chose. Keep it to yourself; nobody from the office will ask for it.',
    doneNextCitizen: 'You are signed in. Next time, log in with your mobile number and this password.',
    registerTitle: 'Register', name: 'Your name', state: 'Your office', chooseOffice: 'Choose your office', officesFailed: 'The list of offices did not load. Check your connection and reload the page.', registerButton: 'Register', loginLink: 'Already registered? Log in',
    ruleLength: '8 to 64 characters', ruleCommon: 'Not a common password', ruleMine: 'Not your phone number or user name',
    doneChosen: 'Your password is saved, {name}.', doneSignedIn: 'You are logged in, {name}.', doneReset: 'Your password is changed. Log in with it now.',
    doneRegistered: 'Welcome, {name}: you are registered.',
    codeSent: 'We sent a 6-digit code by SMS to {mobile}. It works for 10 minutes.',
    codeSentRegister: 'We sent an SMS to {mobile}: a 6-digit code that works for 10 minutes or, if this number already has an account, how to log in.',
    fillAll: 'Fill in every field.', wrongLogin: 'The login id, password or office is wrong.',
    locked: 'Too many wrong tries: this account is locked for an hour. You can set a new password with a code by SMS.',
    otpExpired: 'Your one-time password has expired. Use "Forgot password" to get a code by SMS and set a new password.',
    inactive: 'This account is not active. Ask your office.', failed: 'That did not work. Try again.',
    offline: 'No connection. Check your network and try again.', fixPassword: 'Choose a password that meets every rule above.',
    notAllowed: 'This password is not allowed. Choose another.', sessionGone: 'Your session has ended. Log in again.',
    badMobile: 'Enter a mobile number: {rule}.', ruleFirst: '{n} digits starting with {first}', ruleAny: '{n} digits', or: 'or', badTenant: 'This office (tenant) does not exist. Check your SMS.',
    badCode: 'Enter the 6 digits of the code.', wait: 'Wait {s} seconds before asking for another code.',
    tooMany: 'Too many codes were asked for. Try again in {m} minutes.', alreadyRegistered: 'This number is already registered. Log in, or use "Forgot password".',
    unknownMobile: 'This mobile number is not known.', wrongCode: 'The code is not right, or no longer works. Check it, or ask for a new code.',
    expiredCode: 'The code has expired. Ask for a new code.', usedCode: 'This code has been used already. Ask for a new code.',
    duplicate: 'This number is already registered. Log in instead.', newCodeSent: 'A new code is on its way.',
  },
  hi_IN: {
    app: 'enrol', language: 'भाषा', loginTitle: 'लॉग इन', loginId: 'लॉगिन आईडी (मोबाइल नंबर)', password: 'पासवर्ड',
    tenant: 'कार्यालय (टेनेंट)', tenantHint: 'जैसा आपके SMS में लिखा है, उदाहरण pb.demo।', loginButton: 'लॉग इन करें',
    forgot: 'पासवर्ड भूल गए? SMS से कोड पाएँ', registerLink: 'नए हैं? अपने मोबाइल नंबर से पंजीकरण करें',
    chooseTitle: 'अपना पासवर्ड चुनें', chooseIntro: 'आपने एक बार के पासवर्ड से लॉग इन किया है। ऐसा पासवर्ड चुनें जो केवल आप जानते हों।',
    newPassword: 'नया पासवर्ड', show: 'पासवर्ड दिखाएँ', saveButton: 'पासवर्ड सहेजें', forgotTitle: 'पासवर्ड भूल गए',
    mobile: 'मोबाइल नंबर', sendButton: 'कोड भेजें', code: 'SMS में आया 6 अंकों का कोड', setButton: 'पासवर्ड बदलें',
    resend: 'नया कोड भेजें', resendIn: 'नया कोड भेजें ({s} सेकंड रुकें)', back: 'लॉग इन पर वापस', doneTitle: 'हो गया',
    doneNext: 'अगली बार अपनी लॉगिन आईडी और चुने हुए पासवर्ड से लॉग इन करें। इसे किसी को न बताएँ; कार्यालय से कोई इसे नहीं माँगेगा।',
    doneNextCitizen: 'आप साइन इन हैं। अगली बार अपने मोबाइल नंबर और इस पासवर्ड से लॉग इन करें।',
    registerTitle: 'पंजीकरण', name: 'आपका नाम', state: 'आपका कार्यालय', chooseOffice: 'अपना कार्यालय चुनें', officesFailed: 'कार्यालयों की सूची नहीं आई। कनेक्शन जाँचें और पेज फिर से खोलें।', registerButton: 'पंजीकरण करें', loginLink: 'पहले से पंजीकृत? लॉग इन करें',
    ruleLength: '8 से 64 अक्षर', ruleCommon: 'आम पासवर्ड नहीं', ruleMine: 'आपका फ़ोन नंबर या यूज़र नाम नहीं',
    doneChosen: '{name}, आपका पासवर्ड सहेज लिया गया है।', doneSignedIn: '{name}, आप लॉग इन हैं।', doneReset: 'आपका पासवर्ड बदल गया है। अब उससे लॉग इन करें।',
    doneRegistered: 'स्वागत है, {name}: आपका पंजीकरण हो गया है।',
    codeSent: 'हमने {mobile} पर SMS से 6 अंकों का कोड भेजा है। यह 10 मिनट तक मान्य है।',
    codeSentRegister: 'हमने {mobile} पर SMS भेजा है: 10 मिनट तक मान्य 6 अंकों का कोड, या, अगर इस नंबर का खाता पहले से है, तो लॉग इन कैसे करें।',
    fillAll: 'सभी खाने भरें।', wrongLogin: 'लॉगिन आईडी, पासवर्ड या कार्यालय गलत है।',
    locked: 'बहुत सारे गलत प्रयास: यह खाता एक घंटे के लिए बंद है। SMS कोड से नया पासवर्ड बना सकते हैं।',
    otpExpired: 'आपका एक बार का पासवर्ड समाप्त हो गया है। "पासवर्ड भूल गए" से SMS कोड लेकर नया पासवर्ड बनाएँ।',
    inactive: 'यह खाता सक्रिय नहीं है। अपने कार्यालय से पूछें।', failed: 'यह नहीं हुआ। फिर कोशिश करें।',
    offline: 'कनेक्शन नहीं है। नेटवर्क जाँचें और फिर कोशिश करें।', fixPassword: 'ऐसा पासवर्ड चुनें जो ऊपर के सभी नियम पूरे करे।',
    notAllowed: 'यह पासवर्ड मान्य नहीं है। दूसरा चुनें।', sessionGone: 'आपका सत्र समाप्त हो गया। फिर से लॉग इन करें।',
    badMobile: 'मोबाइल नंबर लिखें: {rule}।', ruleFirst: '{n} अंक, पहला अंक {first}', ruleAny: '{n} अंक', or: 'या', badTenant: 'यह कार्यालय (टेनेंट) नहीं है। अपना SMS देखें।',
    badCode: 'कोड के 6 अंक लिखें।', wait: 'नया कोड माँगने से पहले {s} सेकंड रुकें।',
    tooMany: 'बहुत सारे कोड माँगे गए। {m} मिनट बाद कोशिश करें।', alreadyRegistered: 'यह नंबर पहले से पंजीकृत है। लॉग इन करें या "पासवर्ड भूल गए" चुनें।',
    unknownMobile: 'यह मोबाइल नंबर ज्ञात नहीं है।', wrongCode: 'कोड सही नहीं है, या अब काम नहीं करता। इसे जाँचें, या नया कोड माँगें।',
    expiredCode: 'कोड की समय-सीमा समाप्त हो गई। नया कोड माँगें।', usedCode: 'यह कोड पहले ही इस्तेमाल हो चुका है। नया कोड माँगें।',
    duplicate: 'यह नंबर पहले से पंजीकृत है। लॉग इन करें।', newCodeSent: 'नया कोड भेजा जा रहा है।',
  },
  pa_IN: {
    app: 'enrol', language: 'ਭਾਸ਼ਾ', loginTitle: 'ਲੌਗ ਇਨ', loginId: 'ਲੌਗਇਨ ਆਈਡੀ (ਮੋਬਾਈਲ ਨੰਬਰ)', password: 'ਪਾਸਵਰਡ',
    tenant: 'ਦਫ਼ਤਰ (ਟੈਨੈਂਟ)', tenantHint: 'ਜਿਵੇਂ ਤੁਹਾਡੇ SMS ਵਿੱਚ ਲਿਖਿਆ ਹੈ, ਉਦਾਹਰਨ pb.demo।', loginButton: 'ਲੌਗ ਇਨ ਕਰੋ',
    forgot: 'ਪਾਸਵਰਡ ਭੁੱਲ ਗਏ? SMS ਰਾਹੀਂ ਕੋਡ ਲਓ', registerLink: 'ਨਵੇਂ ਹੋ? ਆਪਣੇ ਮੋਬਾਈਲ ਨੰਬਰ ਨਾਲ ਰਜਿਸਟਰ ਕਰੋ',
    chooseTitle: 'ਆਪਣਾ ਪਾਸਵਰਡ ਚੁਣੋ', chooseIntro: 'ਤੁਸੀਂ ਇੱਕ-ਵਾਰੀ ਪਾਸਵਰਡ ਨਾਲ ਲੌਗ ਇਨ ਕੀਤਾ ਹੈ। ਅਜਿਹਾ ਪਾਸਵਰਡ ਚੁਣੋ ਜੋ ਸਿਰਫ਼ ਤੁਸੀਂ ਜਾਣਦੇ ਹੋ।',
    newPassword: 'ਨਵਾਂ ਪਾਸਵਰਡ', show: 'ਪਾਸਵਰਡ ਵਿਖਾਓ', saveButton: 'ਪਾਸਵਰਡ ਸੰਭਾਲੋ', forgotTitle: 'ਪਾਸਵਰਡ ਭੁੱਲ ਗਏ',
    mobile: 'ਮੋਬਾਈਲ ਨੰਬਰ', sendButton: 'ਕੋਡ ਭੇਜੋ', code: 'SMS ਵਿੱਚ ਆਇਆ 6 ਅੰਕਾਂ ਦਾ ਕੋਡ', setButton: 'ਪਾਸਵਰਡ ਬਦਲੋ',
    resend: 'ਨਵਾਂ ਕੋਡ ਭੇਜੋ', resendIn: 'ਨਵਾਂ ਕੋਡ ਭੇਜੋ ({s} ਸਕਿੰਟ ਉਡੀਕੋ)', back: 'ਲੌਗ ਇਨ ਤੇ ਵਾਪਸ', doneTitle: 'ਹੋ ਗਿਆ',
    doneNext: 'ਅਗਲੀ ਵਾਰ ਆਪਣੀ ਲੌਗਇਨ ਆਈਡੀ ਅਤੇ ਚੁਣੇ ਪਾਸਵਰਡ ਨਾਲ ਲੌਗ ਇਨ ਕਰੋ। ਇਹ ਕਿਸੇ ਨੂੰ ਨਾ ਦੱਸੋ; ਦਫ਼ਤਰ ਤੋਂ ਕੋਈ ਇਹ ਨਹੀਂ ਮੰਗੇਗਾ।',
    doneNextCitizen: 'ਤੁਸੀਂ ਸਾਈਨ ਇਨ ਹੋ। ਅਗਲੀ ਵਾਰ ਆਪਣੇ ਮੋਬਾਈਲ ਨੰਬਰ ਅਤੇ ਇਸ ਪਾਸਵਰਡ ਨਾਲ ਲੌਗ ਇਨ ਕਰੋ।',
    registerTitle: 'ਰਜਿਸਟਰ', name: 'ਤੁਹਾਡਾ ਨਾਮ', state: 'ਤੁਹਾਡਾ ਦਫ਼ਤਰ', chooseOffice: 'ਆਪਣਾ ਦਫ਼ਤਰ ਚੁਣੋ', officesFailed: 'ਦਫ਼ਤਰਾਂ ਦੀ ਸੂਚੀ ਨਹੀਂ ਆਈ। ਕਨੈਕਸ਼ਨ ਜਾਂਚੋ ਅਤੇ ਪੇਜ ਦੁਬਾਰਾ ਖੋਲ੍ਹੋ।', registerButton: 'ਰਜਿਸਟਰ ਕਰੋ', loginLink: 'ਪਹਿਲਾਂ ਹੀ ਰਜਿਸਟਰਡ? ਲੌਗ ਇਨ ਕਰੋ',
    ruleLength: '8 ਤੋਂ 64 ਅੱਖਰ', ruleCommon: 'ਆਮ ਪਾਸਵਰਡ ਨਹੀਂ', ruleMine: 'ਤੁਹਾਡਾ ਫ਼ੋਨ ਨੰਬਰ ਜਾਂ ਯੂਜ਼ਰ ਨਾਮ ਨਹੀਂ',
    doneChosen: '{name}, ਤੁਹਾਡਾ ਪਾਸਵਰਡ ਸੰਭਾਲ ਲਿਆ ਗਿਆ ਹੈ।', doneSignedIn: '{name}, ਤੁਸੀਂ ਲੌਗ ਇਨ ਹੋ।', doneReset: 'ਤੁਹਾਡਾ ਪਾਸਵਰਡ ਬਦਲ ਗਿਆ ਹੈ। ਹੁਣ ਇਸ ਨਾਲ ਲੌਗ ਇਨ ਕਰੋ।',
    doneRegistered: 'ਜੀ ਆਇਆਂ ਨੂੰ, {name}: ਤੁਹਾਡੀ ਰਜਿਸਟ੍ਰੇਸ਼ਨ ਹੋ ਗਈ ਹੈ।',
    codeSent: 'ਅਸੀਂ {mobile} ਤੇ SMS ਰਾਹੀਂ 6 ਅੰਕਾਂ ਦਾ ਕੋਡ ਭੇਜਿਆ ਹੈ। ਇਹ 10 ਮਿੰਟ ਲਈ ਵੈਧ ਹੈ।',
    codeSentRegister: 'ਅਸੀਂ {mobile} ਤੇ SMS ਭੇਜਿਆ ਹੈ: 10 ਮਿੰਟ ਲਈ ਵੈਧ 6 ਅੰਕਾਂ ਦਾ ਕੋਡ, ਜਾਂ, ਜੇ ਇਸ ਨੰਬਰ ਦਾ ਖਾਤਾ ਪਹਿਲਾਂ ਹੀ ਹੈ, ਤਾਂ ਲੌਗ ਇਨ ਕਿਵੇਂ ਕਰਨਾ ਹੈ।',
    fillAll: 'ਸਾਰੇ ਖਾਨੇ ਭਰੋ।', wrongLogin: 'ਲੌਗਇਨ ਆਈਡੀ, ਪਾਸਵਰਡ ਜਾਂ ਦਫ਼ਤਰ ਗਲਤ ਹੈ।',
    locked: 'ਬਹੁਤ ਸਾਰੀਆਂ ਗਲਤ ਕੋਸ਼ਿਸ਼ਾਂ: ਇਹ ਖਾਤਾ ਇੱਕ ਘੰਟੇ ਲਈ ਬੰਦ ਹੈ। SMS ਕੋਡ ਨਾਲ ਨਵਾਂ ਪਾਸਵਰਡ ਬਣਾ ਸਕਦੇ ਹੋ।',
    otpExpired: 'ਤੁਹਾਡਾ ਇੱਕ-ਵਾਰੀ ਪਾਸਵਰਡ ਖਤਮ ਹੋ ਗਿਆ ਹੈ। "ਪਾਸਵਰਡ ਭੁੱਲ ਗਏ" ਨਾਲ SMS ਕੋਡ ਲੈ ਕੇ ਨਵਾਂ ਪਾਸਵਰਡ ਬਣਾਓ।',
    inactive: 'ਇਹ ਖਾਤਾ ਸਰਗਰਮ ਨਹੀਂ ਹੈ। ਆਪਣੇ ਦਫ਼ਤਰ ਤੋਂ ਪੁੱਛੋ।', failed: 'ਇਹ ਨਹੀਂ ਹੋਇਆ। ਫਿਰ ਕੋਸ਼ਿਸ਼ ਕਰੋ।',
    offline: 'ਕੁਨੈਕਸ਼ਨ ਨਹੀਂ ਹੈ। ਨੈੱਟਵਰਕ ਵੇਖੋ ਅਤੇ ਫਿਰ ਕੋਸ਼ਿਸ਼ ਕਰੋ।', fixPassword: 'ਅਜਿਹਾ ਪਾਸਵਰਡ ਚੁਣੋ ਜੋ ਉੱਪਰਲੇ ਸਾਰੇ ਨਿਯਮ ਪੂਰੇ ਕਰੇ।',
    notAllowed: 'ਇਹ ਪਾਸਵਰਡ ਮਨਜ਼ੂਰ ਨਹੀਂ ਹੈ। ਹੋਰ ਚੁਣੋ।', sessionGone: 'ਤੁਹਾਡਾ ਸੈਸ਼ਨ ਖਤਮ ਹੋ ਗਿਆ। ਫਿਰ ਲੌਗ ਇਨ ਕਰੋ।',
    badMobile: 'ਮੋਬਾਈਲ ਨੰਬਰ ਲਿਖੋ: {rule}।', ruleFirst: '{n} ਅੰਕ, ਪਹਿਲਾ ਅੰਕ {first}', ruleAny: '{n} ਅੰਕ', or: 'ਜਾਂ', badTenant: 'ਇਹ ਦਫ਼ਤਰ (ਟੈਨੈਂਟ) ਨਹੀਂ ਹੈ। ਆਪਣਾ SMS ਵੇਖੋ।',
    badCode: 'ਕੋਡ ਦੇ 6 ਅੰਕ ਲਿਖੋ।', wait: 'ਨਵਾਂ ਕੋਡ ਮੰਗਣ ਤੋਂ ਪਹਿਲਾਂ {s} ਸਕਿੰਟ ਉਡੀਕੋ।',
    tooMany: 'ਬਹੁਤ ਸਾਰੇ ਕੋਡ ਮੰਗੇ ਗਏ। {m} ਮਿੰਟ ਬਾਅਦ ਕੋਸ਼ਿਸ਼ ਕਰੋ।', alreadyRegistered: 'ਇਹ ਨੰਬਰ ਪਹਿਲਾਂ ਹੀ ਰਜਿਸਟਰਡ ਹੈ। ਲੌਗ ਇਨ ਕਰੋ ਜਾਂ "ਪਾਸਵਰਡ ਭੁੱਲ ਗਏ" ਚੁਣੋ।',
    unknownMobile: 'ਇਹ ਮੋਬਾਈਲ ਨੰਬਰ ਪਤਾ ਨਹੀਂ ਹੈ।', wrongCode: 'ਕੋਡ ਸਹੀ ਨਹੀਂ ਹੈ, ਜਾਂ ਹੁਣ ਕੰਮ ਨਹੀਂ ਕਰਦਾ। ਇਸਨੂੰ ਜਾਂਚੋ, ਜਾਂ ਨਵਾਂ ਕੋਡ ਮੰਗੋ।',
    expiredCode: 'ਕੋਡ ਦੀ ਮਿਆਦ ਖਤਮ ਹੋ ਗਈ। ਨਵਾਂ ਕੋਡ ਮੰਗੋ।', usedCode: 'ਇਹ ਕੋਡ ਪਹਿਲਾਂ ਹੀ ਵਰਤਿਆ ਜਾ ਚੁੱਕਾ ਹੈ। ਨਵਾਂ ਕੋਡ ਮੰਗੋ।',
    duplicate: 'ਇਹ ਨੰਬਰ ਪਹਿਲਾਂ ਹੀ ਰਜਿਸਟਰਡ ਹੈ। ਲੌਗ ਇਨ ਕਰੋ।', newCodeSent: 'ਨਵਾਂ ਕੋਡ ਭੇਜਿਆ ਜਾ ਰਿਹਾ ਹੈ।',
  },
};

// --- common passwords: a hint -----------------------------------------------------------------------------
// enrol-core's rules and short list (crates/core/src/common_passwords.rs, COMMON_PASSWORDS), repeated so the
// page can tell as the person types; tests/validator/common-passwords.test.mjs runs this section against the
// browser validator. The Worker also looks the password up in a list of 100,000 breached ones (too big for a
// page): it may still refuse a password the page called fine, never the other way round.
const COMMON = new Set(('password passw0rd p@ssw0rd p@ssword pass 11223344 147258369 123456780 1q2w3e4r 1q2w3e4r5t 1qaz2wsx ' +
  'zaq12wsx qazwsx qweasd qweasdzxc q1w2e3r4 a1b2c3d4 abc12345 aa123456 trustno1 iloveyou sunshine ' +
  'princess football baseball soccer hockey cricket superman batman starwars welcome hello love admin ' +
  'administrator changeme letmein access secret default test user login monkey dragon master shadow ' +
  'mustang tigger whatever computer internet freedom summer matrix pepper ginger cheese thunder ' +
  'diamond silver hammer hunter killer buster michael jennifer jordan charlie robert thomas daniel ' +
  'andrew george jessica ashley india bharat hindustan jaihind krishna sairam omsairam ganesh ' +
  'jaimatadi mumbai delhi chennai pune sachin').split(' '));
const SERVICE_NAMES = ['enrol', 'digit', 'mgramseva', 'egov'];
const RUNS = ['abcdefghijklmnopqrstuvwxyz', '01234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
// Rust's is_ascii_punctuation, and its is_whitespace (JavaScript's \s less the byte-order mark).
const EDGE = '[!-\\/:-@\\[-`{-~]|[^\\S\\uFEFF]';
const BARE = new RegExp(`^(?:${EDGE})+|(?:${EDGE})+$`, 'gu');
const WORD = new RegExp(`^(?:${EDGE}|[0-9])+|(?:${EDGE}|[0-9])+$`, 'gu');
const asciiLower = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Too easy to guess: the password, its bare form or its word is a pattern, a name of the service or listed. */
function isCommonPassword(password) {
  const bare = password.replace(BARE, '');
  const word = bare.replace(WORD, '');
  return [password, bare, word].some((s) => {
    const chars = [...asciiLower(s)];
    if (chars.length < 4) return false;
    const lower = chars.join('');
    const repeats = [1, 2, 3, 4].some((u) => chars.length >= 2 * u && chars.every((c, i) => i < u || c === chars[i - u]));
    const reversed = [...chars].reverse().join('');
    const run = /^[\x00-\x7f]*$/.test(s) && RUNS.some((r) => r.includes(lower) || r.includes(reversed));
    return repeats || run || SERVICE_NAMES.includes(lower) || COMMON.has(lower);
  });
}
// --- end of common passwords ----------------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);
const page = document.body.dataset.page;
const query = new URLSearchParams(location.search);
const store = {
  get: (k) => { try { return localStorage.getItem(k); } catch { return null; } },
  set: (k, v) => { try { localStorage.setItem(k, v); } catch { /* private mode: not remembered */ } },
};
const LANGS = Object.keys(T);
const pick = (l) => LANGS.find((x) => l && (x === l || x.slice(0, 2) === l.slice(0, 2)));
// The SMS link carries the person's locale; then what they picked last; then the browser's.
let lang = pick(query.get('lang')) || pick(store.get('enrol.lang')) || pick(navigator.language) || 'en_IN';
if (query.get('lang') && pick(query.get('lang'))) store.set('enrol.lang', lang);

function t(key, vars = {}) {
  const text = T[lang][key] ?? T.en_IN[key] ?? key;
  const all = text.includes('{rule}') ? { rule: ruleText(), ...vars } : vars;
  return text.replace(/\{(\w+)\}/g, (_, k) => all[k] ?? '');
}

/** The deployment's mobile number rule (`MOBILE_DIGITS`, `MOBILE_FIRST_DIGITS`), from `/v1/offices`; until it
 * arrives, the default (10 digits starting with 6 to 9). The server checks it again in any case. */
let mobileRule = { digits: 10, first: '6789' };

/** The rule in words, in the page's language. */
function ruleText() {
  const f = [...mobileRule.first];
  if (f.length === 10) return t('ruleAny', { n: mobileRule.digits });
  const first = f.length > 1 ? `${f.slice(0, -1).join(', ')} ${t('or')} ${f.at(-1)}` : f[0];
  return t('ruleFirst', { n: mobileRule.digits, first });
}

/** Shows a message in `el` (kept so it is translated again when the language changes). */
function say(el, key, vars, kind = 'error') {
  el.msg = key ? [key, vars, kind] : null;
  el.textContent = key ? t(key, vars) : '';
  el.className = `msg ${key ? kind : ''}`;
}

function translate() {
  document.documentElement.lang = lang.slice(0, 2);
  $('lang').value = lang;
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  for (const el of document.querySelectorAll('.msg, #sent, #done-text')) if (el.msg) say(el, ...el.msg);
  for (const r of rulesOf) r();
  tick();
}

function show(id) {
  for (const s of document.querySelectorAll('main > section')) s.hidden = s.id !== id;
  const h = $(id).querySelector('h2');
  h.focus();
}

async function call(path, body, { form, token } = {}) {
  const headers = { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (form) headers.authorization = 'Basic ZWdvdi11c2VyLWNsaWVudDo='; // DIGIT's public client
  try {
    const r = await fetch(path, { method: 'POST', headers, body: form ? new URLSearchParams(body) : JSON.stringify(body) });
    let json = null;
    try { json = await r.json(); } catch { /* not JSON */ }
    return { status: r.status, body: json || {}, retry: Number(r.headers.get('retry-after')) || 30 };
  } catch {
    return { status: 0, body: {}, retry: 0 };
  }
}

const errorCode = (b) => b.Errors?.[0]?.code;
const fields = (b) => b.error?.fields || [];

/** The message for a refused code (user-otp's shape: the reason is the last field). */
function codeMessage(b) {
  const f = fields(b).at(-1) || {};
  const known = { 'OTP.WRONG': 'wrongCode', 'OTP.EXPIRED': 'expiredCode', 'OTP.USED': 'usedCode',
    'OTP.VALIDATION_UNSUCCESSFUL': 'wrongCode' };
  return [known[f.code] || 'wrongCode', {}];
}

/** The message for a refused send. */
function sendMessage(r) {
  const code = fields(r.body)[0]?.code;
  const known = { 'OTP.RESEND_TOO_SOON': 'wait', 'OTP.TOO_MANY_REQUESTS': 'tooMany', 'OTP.MOBILENUMBER': 'alreadyRegistered',
    'OTP.MOBILE_NUMBER_INVALID': 'badMobile', 'OTP.TENANT_ID_INVALID': 'badTenant', 'OTP.UNKNOWN_MOBILE_NUMBER': 'unknownMobile' };
  return [known[code] || (r.status ? 'failed' : 'offline'), { s: r.retry, m: Math.ceil(r.retry / 60) }];
}

/** Any other failure: the network, an expired session, a refused password, or something unexpected. */
function otherMessage(r) {
  if (!r.status) return 'offline';
  if (r.status === 401) return 'sessionGone';
  const known = { InvalidField: 'notAllowed', INVALID_PWD_LENGTH: 'notAllowed', INVALID_PWD_PATTERN: 'notAllowed', OneTimePasswordExpired: 'otpExpired', DuplicateUserNameException: 'duplicate',
    UserNameNotValidException: 'badMobile', InvalidTenant: 'badTenant' };
  return known[errorCode(r.body)] || 'failed';
}

const digits = (s) => s.replace(/[\s\-().]/g, '').replace(new RegExp(`^(\\+?91|0)(?=\\d{${mobileRule.digits}}$)`), '');
const isMobile = (s) => s.length === mobileRule.digits && /^\d+$/.test(s) && mobileRule.first.includes(s[0]);

// --- the password rules, live -----------------------------------------------------------------------------
const rulesOf = [];
/** Wires a new-password input to its rule list; `mine()` gives the user name and phone it must not contain. */
function rules(input, list, mine) {
  const check = () => {
    const p = input.value;
    const n = [...p].length;
    const lower = p.toLowerCase();
    const results = [
      ['ruleLength', n >= 8 && n <= 64],
      ['ruleCommon', n > 0 && !isCommonPassword(p)],
      ['ruleMine', n > 0 && !mine().some((m) => m && [...m].length >= 4 && lower.includes(m.toLowerCase()))],
    ];
    list.replaceChildren(...results.map(([key, ok]) => {
      const li = document.createElement('li');
      li.textContent = t(key);
      if (n) li.className = ok ? 'good' : 'bad';
      return li;
    }));
    return results.every(([, ok]) => ok);
  };
  input.addEventListener('input', check);
  const toggle = $(`show-${input.id}`);
  toggle.addEventListener('change', () => { input.type = toggle.checked ? 'text' : 'password'; });
  rulesOf.push(check);
  return check;
}

// --- sending a code, with the wait before another ---------------------------------------------------------
let resendAt = 0;
function tick() {
  const b = $('b-resend');
  if (!b) return;
  const left = Math.ceil((resendAt - Date.now()) / 1000);
  b.disabled = left > 0;
  b.textContent = left > 0 ? t('resendIn', { s: left }) : t('resend');
  if (left > 0) setTimeout(tick, 1000);
}

async function sendCode(type, msgEl) {
  const mobile = digits($('mobile').value);
  const tenantId = $('tenant2').value.trim();
  if (!isMobile(mobile)) return say(msgEl, 'badMobile'), false;
  if (!tenantId) return say(msgEl, 'fillAll'), false;
  const r = await call('/user-otp/v1/_send', {
    RequestInfo: { apiId: 'enrol', msgId: `${Date.now()}|${lang}` },
    otp: { mobileNumber: mobile, tenantId, type, locale: lang },
  });
  if (r.status !== 201) {
    const [key, vars] = sendMessage(r);
    if (key === 'wait') { resendAt = Date.now() + r.retry * 1000; tick(); }
    return say(msgEl, key, vars), false;
  }
  store.set('enrol.tenant', tenantId);
  resendAt = Date.now() + 30_000;
  tick();
  say(msgEl, null);
  // A registered number gets an SMS saying so instead of a code; the page cannot tell (nor may anyone else).
  say($('sent'), type === 'register' ? 'codeSentRegister' : 'codeSent', { mobile }, 'hint');
  return true;
}

function wireCodeForms(type, submit) {
  $('f-send').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (page === 'register' && !$('name').value.trim()) return say($('m-send'), 'fillAll');
    $('b-send').disabled = true;
    const sent = await sendCode(type, $('m-send'));
    $('b-send').disabled = false;
    if (sent) {
      $('f-send').hidden = true;
      $('f-reset').hidden = false;
      $('code').focus();
    }
  });
  $('b-resend').addEventListener('click', async () => {
    if (await sendCode(type, $('m-reset'))) say($('m-reset'), 'newCodeSent', {}, 'ok');
  });
  const ok = rules($('new2'), $('r-new2'), () => [digits($('mobile').value), $('user')?.value.trim()]);
  $('f-reset').addEventListener('submit', async (e) => {
    e.preventDefault();
    const code = $('code').value.trim();
    if (!/^\d{6}$/.test(code)) return say($('m-reset'), 'badCode');
    if (!ok()) return say($('m-reset'), 'fixPassword');
    $('b-reset').disabled = true;
    const r = await submit(code, $('new2').value);
    $('b-reset').disabled = false;
    if (r.status === 200) return done(r);
    const [key, vars] = r.body.error ? codeMessage(r.body) : [otherMessage(r)];
    say($('m-reset'), key || 'failed', vars);
    (key === 'notAllowed' ? $('new2') : $('code')).focus();
  });
}

let finish = () => {};
function done(r) {
  $('new2').value = '';
  finish(r);
}

function doneWith(key, vars) {
  say($('done-text'), key, vars, 'ok');
  show('s-done');
}

// --- The office list ---------------------------------------------------------------------------------------
/**
 * Fills the office choice (`#tenant2`, a native select: it works with the keyboard, a screen reader and a
 * phone's own picker) from the public `/v1/offices`, grouped by state, and selects `want` (an office from the
 * SMS link or the last visit; kept as a choice even when the list does not hold it). One office: chosen.
 */
async function loadOffices(want) {
  const sel = $('tenant2');
  const pick = (id) => {
    if (!id) return;
    if (![...sel.options].some((o) => o.value === id)) sel.add(new Option(id, id));
    sel.value = id;
  };
  let list = [];
  try {
    const r = await fetch('/v1/offices');
    if (r.ok) {
      const answer = await r.json();
      list = answer.offices || [];
      if (answer.mobile?.digits && answer.mobile?.firstDigits) {
        mobileRule = { digits: answer.mobile.digits, first: answer.mobile.firstDigits };
      }
    }
  } catch { /* offline: below */ }
  const groups = new Map();
  for (const o of list) {
    if (!groups.has(o.stateId)) {
      const g = document.createElement('optgroup');
      g.label = o.stateName;
      groups.set(o.stateId, g);
      sel.append(g);
    }
    groups.get(o.stateId).append(new Option(o.id === o.stateId ? o.name : `${o.name} (${o.stateName})`, o.id));
  }
  if (!list.length && !want) say($('m-send'), 'officesFailed');
  pick(list.length === 1 ? list[0].id : want);
}

// --- /login -----------------------------------------------------------------------------------------------
function loginPage() {
  let session = null; // { token, user, otp }: in memory only
  $('user').value = query.get('user') || '';
  $('tenant').value = query.get('tenant') || store.get('enrol.tenant') || '';
  let offices = null; // loaded when the forgot-password step first opens: logging in does not need it
  $('f-login').addEventListener('submit', async (e) => {
    e.preventDefault();
    const [username, password, tenantId] = [$('user').value.trim(), $('password').value, $('tenant').value.trim()];
    if (!username || !password || !tenantId) return say($('m-login'), 'fillAll');
    $('b-login').disabled = true;
    const r = await call('/user/oauth/token', { username, password, tenantId, grant_type: 'password', scope: 'read' }, { form: true });
    $('b-login').disabled = false;
    if (r.status === 200) {
      store.set('enrol.tenant', tenantId);
      $('password').value = '';
      say($('m-login'), null);
      session = { token: r.body.access_token, user: r.body.UserRequest, otp: password };
      if (session.user.defaultPwdChgd === false) return show('s-choose');
      session.otp = null;
      return doneWith('doneSignedIn', { name: session.user.name });
    }
    const known = { InvalidCredentials: 'wrongLogin', AccountLocked: 'locked', OneTimePasswordExpired: 'otpExpired', AccountInactive: 'inactive' };
    say($('m-login'), known[errorCode(r.body)] || otherMessage(r));
  });

  const ok = rules($('new'), $('r-new'), () => [session?.user.userName, session?.user.mobileNumber]);
  $('f-choose').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!ok()) return say($('m-choose'), 'fixPassword');
    $('b-choose').disabled = true;
    const u = session.user;
    const r = await call('/user/password/_update', {
      RequestInfo: { authToken: session.token }, existingPassword: session.otp, newPassword: $('new').value,
      tenantId: u.tenantId, type: u.type,
    }, { token: session.token });
    $('b-choose').disabled = false;
    if (r.status !== 200) return say($('m-choose'), otherMessage(r));
    session.otp = null;
    $('new').value = '';
    doneWith('doneChosen', { name: u.name });
  });

  const toForgot = () => {
    const id = digits($('user').value);
    if (isMobile(id)) $('mobile').value = id;
    offices ??= loadOffices($('tenant').value.trim());
    show('s-forgot');
  };
  $('b-forgot').addEventListener('click', toForgot);
  const back = () => { session = null; show('s-login'); };
  $('b-back').addEventListener('click', back);
  $('b-again').addEventListener('click', back);

  // The page sends no `type`: enrol then finds the user among every type of the state (see openapi.json).
  wireCodeForms('passwordreset', (code, newPassword) => call('/user/password/nologin/_update', {
    RequestInfo: { apiId: 'enrol' }, otpReference: code, userName: $('user').value.trim() || digits($('mobile').value),
    newPassword, tenantId: $('tenant2').value.trim(),
  }));
  finish = () => {
    $('f-reset').hidden = true;
    $('f-send').hidden = false;
    $('code').value = '';
    doneWith('doneReset');
  };
}

// --- /register --------------------------------------------------------------------------------------------
function registerPage() {
  loadOffices(query.get('tenant') || store.get('enrol.tenant') || '');
  wireCodeForms('register', (code, password) => call('/user/citizen/_create', {
    RequestInfo: { apiId: 'enrol' },
    User: { name: $('name').value.trim(), username: digits($('mobile').value), otpReference: code, tenantId: $('tenant2').value.trim(), password, locale: lang },
  }));
  finish = (r) => {
    try { sessionStorage.setItem('enrol.token', r.body.access_token); } catch { /* not kept */ }
    doneWith('doneRegistered', { name: r.body.UserRequest.name });
  };
}

$('lang').addEventListener('change', () => { lang = $('lang').value; store.set('enrol.lang', lang); translate(); });
if (page === 'login') loginPage(); else registerPage();
translate();
// The page is ready to use (the login benchmark waits for this): milliseconds since navigation.
document.body.dataset.ready = String(Math.round(performance.now()));
