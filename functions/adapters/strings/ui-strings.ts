/**
 * Every word a subscriber reads on the sign-up and confirmation pages and in the confirmation email,
 * one table per language, so a translation is one object and no template holds prose of its own.
 * Pages (adapters/http) and emails (adapters/render) share this one place.
 */
import { isSupportedLanguage, SUPPORTED_LANGUAGES, type SupportedLanguage } from '../../domain/subscriber/language';

export { isSupportedLanguage, SUPPORTED_LANGUAGES, type SupportedLanguage };

export interface SignupStrings {
  /** The language's own name, for the language picker. */
  languageName: string;
  signup: {
    title: string;
    intro: string;
    emailLabel: string;
    emailHint: string;
    listsLegend: string;
    languageLabel: string;
    submit: string;
    privacy: string;
    /** Heading of the error summary shown above a form that was sent back. */
    errorSummary: string;
    errors: { email: string; lists: string; language: string };
    /** Label of the honeypot field: hidden from everyone, read only where styles fail to load. */
    trapLabel: string;
  };
  checkInbox: { title: string; body: string; spam: string };
  rateLimited: { title: string; body: string };
  confirm: { title: string; intro: string; button: string };
  /** `backTo` names the organisation's site (its host) in the link back to it. */
  confirmed: { title: string; body: string; manage: string; backTo: (site: string) => string };
  invalidLink: { title: string; body: string; signupAgain: string };
  email: {
    subject: (organisation: string) => string;
    preview: string;
    heading: string;
    intro: (organisation: string) => string;
    button: string;
    pasteLink: string;
    expiry: string;
    ignore: string;
    footer: (organisation: string) => string;
  };
}

const en: SignupStrings = {
  languageName: 'English',
  signup: {
    title: 'Subscribe to our news',
    intro: 'Choose what you would like to receive. We will send you an email to confirm.',
    emailLabel: 'Email address',
    emailHint: 'For example, name@example.org',
    listsLegend: 'What would you like to receive?',
    languageLabel: 'Language for our emails to you',
    submit: 'Subscribe',
    privacy: 'We only use your address to send what you choose. Every email has a link to unsubscribe.',
    errorSummary: 'Please check the form',
    errors: {
      email: 'Enter an email address like name@example.org.',
      lists: 'Choose at least one of the lists offered.',
      language: 'Choose one of the languages offered.',
    },
    trapLabel: 'Leave this field empty',
  },
  checkInbox: {
    title: 'Check your inbox',
    body: 'If the address can receive our emails, a message with a confirmation link is on its way. Follow the link to start your subscription.',
    spam: 'Nothing after a few minutes? Look in your spam folder. The link is valid for 7 days.',
  },
  rateLimited: {
    title: 'Too many sign-ups',
    body: 'We received many sign-ups from your network. Please try again in an hour.',
  },
  confirm: {
    title: 'Confirm your subscription',
    intro: 'Press the button to start receiving:',
    button: 'Confirm subscription',
  },
  confirmed: {
    title: 'You are subscribed',
    body: 'Thank you. You are subscribed to:',
    manage: 'Every email we send has links to change your preferences or unsubscribe.',
    backTo: (site) => `Back to ${site}`,
  },
  invalidLink: {
    title: 'This link is not valid',
    body: 'The link may be incomplete, mistyped or expired. Confirmation links work for 7 days.',
    signupAgain: 'Sign up again',
  },
  email: {
    subject: (organisation) => `Confirm your subscription to ${organisation}`,
    preview: 'One click to confirm, and you are subscribed.',
    heading: 'Please confirm your subscription',
    intro: (organisation) => `Someone, hopefully you, asked to receive these emails from ${organisation}:`,
    button: 'Confirm subscription',
    pasteLink: 'If the button does not work, paste this link into your browser:',
    expiry: 'The link expires in 7 days.',
    ignore: 'If you did not ask for this, ignore this email: you will not be subscribed and we will not write again.',
    footer: (organisation) => `You received this one email because your address was entered on the ${organisation} sign-up form.`,
  },
};

const es: SignupStrings = {
  languageName: 'Español',
  signup: {
    title: 'Suscríbase a nuestras noticias',
    intro: 'Elija lo que desea recibir. Le enviaremos un correo para confirmarlo.',
    emailLabel: 'Correo electrónico',
    emailHint: 'Por ejemplo, nombre@example.org',
    listsLegend: '¿Qué desea recibir?',
    languageLabel: 'Idioma de nuestros correos',
    submit: 'Suscribirse',
    privacy: 'Solo usamos su dirección para enviarle lo que elija. Cada correo tiene un enlace para darse de baja.',
    errorSummary: 'Revise el formulario',
    errors: {
      email: 'Escriba una dirección como nombre@example.org.',
      lists: 'Elija al menos una de las listas ofrecidas.',
      language: 'Elija uno de los idiomas ofrecidos.',
    },
    trapLabel: 'Deje este campo vacío',
  },
  checkInbox: {
    title: 'Revise su correo',
    body: 'Si la dirección puede recibir nuestros correos, le llegará un mensaje con un enlace de confirmación. Siga el enlace para empezar su suscripción.',
    spam: '¿No llega nada en unos minutos? Mire en la carpeta de spam. El enlace es válido durante 7 días.',
  },
  rateLimited: {
    title: 'Demasiadas suscripciones',
    body: 'Hemos recibido muchas suscripciones desde su red. Inténtelo de nuevo dentro de una hora.',
  },
  confirm: {
    title: 'Confirme su suscripción',
    intro: 'Pulse el botón para empezar a recibir:',
    button: 'Confirmar suscripción',
  },
  confirmed: {
    title: 'Está suscrito',
    body: 'Gracias. Está suscrito a:',
    manage: 'Cada correo que enviamos tiene enlaces para cambiar sus preferencias o darse de baja.',
    backTo: (site) => `Volver a ${site}`,
  },
  invalidLink: {
    title: 'Este enlace no es válido',
    body: 'Puede que el enlace esté incompleto, mal escrito o caducado. Los enlaces de confirmación funcionan durante 7 días.',
    signupAgain: 'Volver a suscribirse',
  },
  email: {
    subject: (organisation) => `Confirme su suscripción a ${organisation}`,
    preview: 'Un clic para confirmar y quedará suscrito.',
    heading: 'Confirme su suscripción',
    intro: (organisation) => `Alguien, esperamos que usted, pidió recibir estos correos de ${organisation}:`,
    button: 'Confirmar suscripción',
    pasteLink: 'Si el botón no funciona, pegue este enlace en su navegador:',
    expiry: 'El enlace caduca en 7 días.',
    ignore: 'Si no lo pidió, ignore este correo: no quedará suscrito y no volveremos a escribirle.',
    footer: (organisation) => `Ha recibido este único correo porque su dirección se introdujo en el formulario de suscripción de ${organisation}.`,
  },
};

const TABLES: Record<SupportedLanguage, SignupStrings> = { en, es };

/**
 * The strings for a BCP 47 tag, matched on its primary subtag (`es-MX` → `es`); English otherwise.
 *
 * @example
 * stringsFor('es-MX').confirm.button; // 'Confirmar suscripción'
 */
export function stringsFor(language: string | undefined): SignupStrings & { language: SupportedLanguage } {
  const primary = language?.toLowerCase().split('-')[0];
  const chosen: SupportedLanguage = isSupportedLanguage(primary) ? primary : 'en';
  return { ...TABLES[chosen], language: chosen };
}

/**
 * The preference-centre and unsubscribe pages (added by the preference centre; kept apart from
 * SignupStrings so each set of pages grows on its own). Strings taking `html` arguments receive
 * already-escaped markup (a bold list name, a link) and return markup.
 */
export interface PreferenceStrings {
  invalidLink: { title: string; body: string };
  unsubscribe: {
    title: string;
    question: (listHtml: string) => string;
    one: string;
    all: string;
    doneTitle: string;
    doneOne: (listHtml: string) => string;
    doneAll: string;
    manage: string;
    chooseOneByOne: (linkHtml: string) => string;
    changedYourMind: (linkHtml: string) => string;
  };
  preferences: {
    title: string;
    sendingTo: (emailHtml: string) => string;
    legend: string;
    privateHint: string;
    pendingHint: string;
    noLists: string;
    save: string;
    leaveAll: string;
    saved: string;
    leftAll: string;
    notJoined: string;
    suppressed: (signUpLinkHtml: string) => string;
    signUpAgain: string;
  };
}

const preferencesEn: PreferenceStrings = {
  // Unsubscribe and preference links never expire, so unlike the confirmation page this one does not mention expiry.
  invalidLink: {
    title: 'This link is not valid',
    body: 'The link may be incomplete or mistyped. Please use the link from one of our emails.',
  },
  unsubscribe: {
    title: 'Unsubscribe?',
    question: (list) => `Stop receiving ${list} emails?`,
    one: 'Unsubscribe',
    all: 'Unsubscribe from all lists',
    doneTitle: 'You are unsubscribed',
    doneOne: (list) => `You will no longer receive ${list} emails from us.`,
    doneAll: 'You have left all our lists and will no longer receive our newsletters.',
    manage: 'Manage your preferences',
    chooseOneByOne: (link) => `${link} to choose lists one by one.`,
    changedYourMind: (link) => `Changed your mind? ${link}.`,
  },
  preferences: {
    title: 'Your email preferences',
    sendingTo: (email) => `Emails go to ${email}.`,
    legend: 'Your lists',
    privateHint: 'Private list: once you leave it, you cannot join it again from here.',
    pendingHint: 'Waiting for you to confirm your sign-up. Tick it and save to confirm now.',
    noLists: 'You are not on any of our lists.',
    save: 'Save preferences',
    leaveAll: 'Leave all lists',
    saved: 'Your preferences are saved.',
    leftAll: 'You have left all lists. You will no longer receive our newsletters.',
    notJoined: 'We could not add you to the lists you ticked.',
    suppressed: (signUp) =>
      'We have stopped sending email to this address, because an email to it bounced or was reported as unwanted. ' +
      `You can leave lists here, but not join them. To receive our emails again, ${signUp} and confirm your address.`,
    signUpAgain: 'sign up again',
  },
};

const preferencesEs: PreferenceStrings = {
  invalidLink: {
    title: 'Este enlace no es válido',
    body: 'Puede que el enlace esté incompleto o mal escrito. Use el enlace de uno de nuestros correos.',
  },
  unsubscribe: {
    title: '¿Darse de baja?',
    question: (list) => `¿Dejar de recibir los correos de ${list}?`,
    one: 'Darse de baja',
    all: 'Darse de baja de todas las listas',
    doneTitle: 'Se ha dado de baja',
    doneOne: (list) => `Ya no recibirá nuestros correos de ${list}.`,
    doneAll: 'Ha dejado todas nuestras listas y ya no recibirá nuestros boletines.',
    manage: 'Gestione sus preferencias',
    chooseOneByOne: (link) => `${link} para elegir las listas una a una.`,
    changedYourMind: (link) => `¿Ha cambiado de opinión? ${link}.`,
  },
  preferences: {
    title: 'Sus preferencias de correo',
    sendingTo: (email) => `Los correos se envían a ${email}.`,
    legend: 'Sus listas',
    privateHint: 'Lista privada: si la deja, no podrá volver a unirse desde aquí.',
    pendingHint: 'Pendiente de que confirme su suscripción. Márquela y guarde para confirmarla ahora.',
    noLists: 'No está en ninguna de nuestras listas.',
    save: 'Guardar preferencias',
    leaveAll: 'Dejar todas las listas',
    saved: 'Sus preferencias se han guardado.',
    leftAll: 'Ha dejado todas las listas. Ya no recibirá nuestros boletines.',
    notJoined: 'No hemos podido añadirle a las listas que marcó.',
    suppressed: (signUp) =>
      'Hemos dejado de enviar correos a esta dirección porque un correo fue devuelto o se marcó como no deseado. ' +
      `Aquí puede dejar listas, pero no unirse a ellas. Para volver a recibir nuestros correos, ${signUp} y confirme su dirección.`,
    signUpAgain: 'vuelva a suscribirse',
  },
};

const PREFERENCE_TABLES: Record<SupportedLanguage, PreferenceStrings> = { en: preferencesEn, es: preferencesEs };

/**
 * The preference-centre and unsubscribe strings for a BCP 47 tag, like {@link stringsFor}.
 *
 * @example
 * preferenceStringsFor('es').preferences.save; // 'Guardar preferencias'
 */
export function preferenceStringsFor(language: string | undefined): PreferenceStrings & { language: SupportedLanguage } {
  const { language: chosen } = stringsFor(language);
  return { ...PREFERENCE_TABLES[chosen], language: chosen };
}
