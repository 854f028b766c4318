# Páginas de Safehold para las personas que denuncian, en español.
# Traducido de locales/en/safehold.ftl. PENDIENTE DE REVISIÓN por una persona hablante nativa
# de español: véase locales/README.md. Términos de las Naciones Unidas y tratamiento (usted):
# locales/es/GLOSSARY.md.

language-name = Español
site-name = Safehold
skip-to-content = Ir al formulario
language-label = Idioma
language-submit = Cambiar de idioma
footer-text = Safehold guarda las denuncias cifradas. No guarda ninguna dirección IP ni la hora exacta de llegada.
keyring-fingerprint-label = Huella digital de las claves con las que se cifra su denuncia:
keyring-published-at = Compruebe que es la misma que publica la organización en este lugar: { $where }. Si no lo es, no use este sitio; comuníquese con la organización por otro medio.
keyring-published-demo = Este es un sitio de demostración: sus claves son públicas y esta huella digital no se publica en ningún lugar. No denuncie hechos reales aquí.
keyring-published-unsaid = La organización no ha indicado dónde publica esta huella digital. Pregúntele por otro medio antes de confiar en este sitio.
organisation-heading = Quién gestiona este servicio y qué ocurre después
organisation-run-by = Este servicio lo gestiona { $organisation }.
organisation-next = Cuando usted envía una denuncia, solo pueden leerla los gestores de casos de { $organisation } que se ocupan de ese tipo de denuncias. La evalúan y le responden en la página donde usted consulta su denuncia. Consúltela con su frase clave { $days ->
    [one] después de un día
   *[other] después de { $days } días
}, y de nuevo después de cada respuesta.
organisation-check-link = Consultar su denuncia

## The report form

intake-title = Denunciar represalias o intimidación
intake-lead = Use este formulario si usted, o alguien cercano a usted, sufrió represalias o intimidación por cooperar, o intentar cooperar, con las Naciones Unidas en materia de derechos humanos.
intake-mode-server = Esta página funciona sin JavaScript. En este modo, su denuncia viaja al servidor por la conexión cifrada, y el servidor la cifra de inmediato para los gestores de casos. Durante un momento, el servidor maneja sus palabras sin cifrar en su memoria; nunca las escribe en el disco.
intake-safety = Escriba solo lo que quiera compartir. Puede dejar vacío cualquier campo.
routing-legend = Ayúdenos a enviar su denuncia a las personas adecuadas (opcional)
routing-help = Estas tres respuestas no se cifran: el servidor las usa para elegir qué gestores de casos reciben su denuncia.
mechanism-label = ¿Con qué parte de las Naciones Unidas cooperó usted?
mechanism-none = Prefiero no decirlo
mechanism-treaty_body = Un órgano creado en virtud de tratados (por ejemplo, el Comité de Derechos Humanos o el Comité contra la Tortura)
mechanism-special_procedures = Un relator especial o un grupo de trabajo (procedimientos especiales)
mechanism-upr = El Examen Periódico Universal
mechanism-human_rights_council = El Consejo de Derechos Humanos
mechanism-ohchr = La Oficina del Alto Comisionado de las Naciones Unidas para los Derechos Humanos (ACNUDH)
mechanism-other = Otra parte de las Naciones Unidas
mechanism-unsure = No lo sé
region-label = ¿Dónde ocurrió?
region-none = Prefiero no decirlo
region-african = África
region-asia_pacific = Asia y el Pacífico
region-eastern_european = Europa Oriental
region-latin_american_caribbean = América Latina y el Caribe
region-western_european_others = Europa Occidental y otros Estados
danger-label = ¿Hay alguien en peligro inmediato?
danger-yes = Sí
danger-no = No
danger-unsure = Prefiero no decirlo
urgent-lead = Si alguien está en peligro ahora, no espere una respuesta aquí: este servicio responde en días. Acuda ahora a:
report-legend = Qué ocurrió
what-happened-label = ¿Qué ocurrió?
what-happened-help = Describa la represalia o la intimidación: qué se hizo y quién lo hizo, si lo sabe.
when-label = ¿Cuándo ocurrió?
when-help = Basta con una fecha aproximada, por ejemplo «principios de marzo de 2026».
where-label = ¿Dónde ocurrió?
un-engagement-label = ¿Cómo cooperó usted, o la persona afectada, con las Naciones Unidas?
un-engagement-help = Por ejemplo, una contribución escrita, un testimonio, una reunión o la referencia de una comunicación.
people-label = ¿A quién afectó?
people-help = No tiene que dar nombres.
contact-label = ¿Cómo pueden comunicarse con usted los gestores de casos, si así lo desea?
contact-help = Déjelo vacío para usar solo la página de seguimiento de este sitio. Los gestores de casos siempre pueden responderle allí.
attachments-legend = Archivos (opcional)
attachments-label = Añadir archivos
attachments-help = Hasta { $limit } en total.
attachments-metadata-warning = Los archivos pueden contener información oculta, como el lugar y la hora en que se tomó una foto, o el nombre del autor. Sin JavaScript, esta página no puede eliminarla. Si puede, elimínela antes de añadir un archivo.
consent-legend = ¿Qué podemos hacer con su denuncia?
consent-help = Marque solo aquello con lo que esté de acuerdo. Más adelante puede cambiar de opinión desde la página de seguimiento.
consent-ohchr = Compartirla con el equipo sobre represalias de la Oficina del Alto Comisionado de las Naciones Unidas para los Derechos Humanos (ACNUDH)
consent-mechanism = Compartirla con el órgano de las Naciones Unidas con el que cooperé
consent-sg-named = Mencionar mi caso, con nombres, en el informe anual del Secretario General sobre represalias
consent-sg-anonymous = Mencionar mi caso sin nombres en ese informe
consent-statistics = Contarla en estadísticas anónimas, elaboradas de manera que no se pueda distinguir a nadie
submit = Cifrar y enviar la denuncia

## After sending

submitted-title = Hemos recibido su denuncia
submitted-lead = Su denuncia está cifrada y guardada. Solo pueden leerla los gestores de casos del equipo { $route }.
submitted-not-emergency = Este no es un servicio de emergencia: los gestores de casos responden en días. Si alguien está en peligro ahora, no espere una respuesta aquí. Acuda ahora a:
submitted-mode-server = El servidor cifró su denuncia: la manejó sin cifrar en su memoria durante un momento y nunca la escribió en el disco.
codephrase-heading = Su frase clave
codephrase-help = Anote estas palabras y guárdelas en un lugar seguro. Son la única forma de ver las respuestas y el estado de su denuncia. Nadie, ni siquiera los gestores de casos, puede recuperarlas por usted.
codephrase-warning = Cualquier persona que tenga estas palabras puede leer las respuestas a su denuncia. No las guarde donde otras personas puedan encontrarlas.
report-id-label = Referencia de la denuncia
receipt-link = Consultar su denuncia más tarde
intake-check-report = ¿Ya envió una denuncia? Consúltela y lea las respuestas con su frase clave

## Receipt

receipt-title = Consultar su denuncia
receipt-lead = Introduzca su frase clave para ver el estado de su denuncia.
codephrase-label = Frase clave
codephrase-input-help = Las palabras que recibió, separadas por espacios.
receipt-submit = Consultar
receipt-derivation-server = Sin JavaScript, el servidor convierte su frase clave en sus claves solo durante esta solicitud y luego las borra.
status-title = Su denuncia
status-label = Estado
received-label = Recibida el
status-received = Recibida: espera a un gestor de casos.
status-under_assessment = En evaluación por los gestores de casos.
status-credible = Evaluada como creíble.
status-not_substantiated = Evaluada como no fundamentada.
status-referred = Remitida a un mecanismo de las Naciones Unidas, con su consentimiento.
status-closed = Cerrada.
status-unreadable = Los gestores de casos no pudieron abrir su denuncia. Envíela de nuevo, desde otro dispositivo si puede.
thread-heading = Mensajes
thread-empty = Todavía no hay mensajes. Los gestores de casos responderán aquí.
thread-from-you = Usted
thread-from-caseworker = Un gestor de casos
thread-followup-sealed = (Su información adicional, cifrada para los gestores de casos. No se puede mostrar aquí.)
thread-unreadable = (No se pudo abrir este mensaje.)
thread-reply-files = Este mensaje trae archivos: { $names }. Son demasiado grandes para esta página: para descargarlos, abra de nuevo esta página en un navegador con JavaScript activado.
thread-reply-files-download = Este mensaje trae archivos. Seleccione uno para guardarlo:
thread-from-unknown = No procede de los gestores de casos
thread-missing = Atención: aquí faltan mensajes (cuántos: { $count }). Alguien con acceso al servidor los eliminó. Avise a la organización por otro medio.
thread-forged = Atención: este mensaje no lo escribieron los gestores de casos ni usted. Alguien con acceso al servidor lo añadió. No haga nada de lo que pida y avise a la organización por otro medio.
followup-heading = Añadir información
followup-label = ¿Qué desea añadir?
followup-mode-server = Sin JavaScript, el servidor cifra de inmediato lo que usted añade para los gestores de casos; lo maneja brevemente sin cifrar en su memoria y nunca lo escribe en el disco.
followup-submit = Cifrar y enviar
followup-sent-title = Se envió su información
followup-sent-text = Está cifrada y guardada para los gestores de casos de su denuncia.
not-found-title = No se encontró ninguna denuncia
not-found-text = Ninguna denuncia corresponde a esta frase clave. Revise cada palabra e inténtelo de nuevo.

## With JavaScript

js-mode-browser = Su denuncia se cifrará en este navegador antes de enviarse. El servidor nunca la ve sin cifrar.
js-integrity-failed = El código de cifrado de esta página no se cargó, o no superó la comprobación de integridad y se bloqueó. Su denuncia pasará por el servidor, como se describe más arriba.
js-fingerprint-mismatch = Las claves de los gestores de casos que envió el servidor no coinciden con las claves con las que se publicó esta página. Para protegerle, esta página no cifrará ni enviará su denuncia. No use este sitio ahora; comuníquese con la organización por otro medio.
js-routes-failed = No se pudo cargar la lista de gestores de casos, así que su denuncia pasará por el servidor, como se describe más arriba.
js-encrypting = Cifrando su denuncia en este navegador…
js-deriving = Preparando su frase clave…
js-send-failed = No se pudo enviar su denuncia: { $detail }. No se guardó nada. Inténtelo de nuevo.
js-submitted-lead = Su denuncia está cifrada y guardada. Solo pueden leerla los gestores de casos a los que se envió.
js-submitted-mode = Su denuncia se cifró en este navegador. El servidor nunca la vio sin cifrar.
js-receipt-derivation = Su frase clave permanece en este navegador: sus claves se calculan aquí y solo se envía un valor de búsqueda.
js-codephrase-word-count = Una frase clave tiene 8 palabras, pero usted escribió { $found }. Escriba todas las palabras que recibió, separadas por espacios.
strip-metadata-label = Eliminar la información oculta de las fotos (como el lugar y la cámara) antes de cifrarlas (JPEG y PNG)

## Errors

codephrase-too-few = Una frase clave tiene 8 palabras, pero usted escribió { $found }. Escriba todas las palabras que recibió, separadas por espacios.
codephrase-too-many = Una frase clave tiene como máximo { $limit } palabras, pero usted escribió { $found }. Compruebe que escribió solo su frase clave.
codephrase-unknown-word = La palabra número { $position } no está en la lista de palabras de las frases clave. Revise cómo la escribió.

error-title = Algo salió mal
error-back = Volver al formulario
error-csrf = Este formulario caducó o no se envió desde este sitio. Vuelva atrás, recargue la página y envíelo de nuevo. Es posible que su navegador haya conservado lo que escribió.
error-too-large = Sus archivos son demasiado grandes. El límite es de { $limit } en total. Quite o reduzca algunos archivos y envíe de nuevo.
error-bad-form = No se pudo leer el formulario: { $detail }. Vuelva atrás y envíelo de nuevo.
error-field-too-long = El campo «{ $field }» es demasiado largo. Acórtelo y envíe de nuevo.
error-bad-answer = Una de las respuestas que sirven para dirigir su denuncia no es válida. Vuelva atrás, elija una opción de la lista y envíe de nuevo.
error-rate-limited = Demasiados intentos. { $seconds ->
        [one] Espere un segundo y vuelva a intentarlo.
       *[other] Espere { $seconds } segundos y vuelva a intentarlo.
    }
error-busy = En este momento están llegando muchas denuncias y la suya aún no se envió. No se guardó nada. { $seconds ->
        [one] Vuelva atrás, espere un segundo y envíela de nuevo.
       *[other] Vuelva atrás, espere { $seconds } segundos y envíela de nuevo.
    }
error-honeypot = Se rellenó un campo que debía quedar vacío, así que la denuncia no se envió. Puede que su navegador lo haya rellenado por usted. Vuelva atrás, vacíe el campo titulado «Deje esto vacío» y envíe de nuevo.
honeypot-label = Deje esto vacío
error-not-found = Esta página no existe.
error-method = Esta dirección no acepta ese tipo de solicitud.
error-content-type = El formulario se envió en un formato que esta página no puede leer. Use el formulario de este sitio.
error-followup-expired = Esta página es demasiado antigua para enviar información desde ella. Abra de nuevo su denuncia con su frase clave y luego envíe.
error-consent-used = Este formulario ya se envió una vez. Para volver a cambiar sus opciones, abra de nuevo su denuncia con su frase clave.
error-followup-used = Este formulario ya se envió una vez; su información no se añadió por segunda vez. Para añadir más, abra de nuevo su denuncia con su frase clave.
error-followup-empty = No hay nada que enviar. Escriba algo o añada un archivo.
error-unavailable = El servicio no pudo guardar su denuncia en este momento. No se guardó nada. Inténtelo de nuevo dentro de unos minutos.
error-unavailable-read = El servicio no puede acceder a sus registros en este momento. No se cambió nada. Inténtelo de nuevo dentro de unos minutos.

## Public statistics

stats-site-name = Estadísticas de Safehold
stats-skip-to-content = Ir al contenido
stats-nav-releases = Publicaciones
stats-about-title = Cómo protegen estas cifras a las personas
stats-unavailable = No se pudieron leer las estadísticas en este momento. Inténtelo de nuevo más tarde.
stats-not-found = No existe esa publicación. La lista está en /stats.
stats-csv = CSV
stats-json = JSON
stats-protection-noise = Ruido aleatorio (privacidad diferencial), épsilon { $epsilon } en total
stats-protection-none = Sin ruido: cifras pequeñas ocultas, las demás redondeadas
stats-index-title = Publicaciones de estadísticas
stats-index-intro = Represalias e intimidación contra personas que cooperan con las Naciones Unidas en materia de derechos humanos, según lo denunciado a este servicio y codificado por los gestores de casos. Cada publicación abarca un año cerrado, se calcula una sola vez y nunca se modifica.
stats-index-about-link = Cómo protegen estas cifras a las personas.
stats-index-none = Todavía no se ha publicado nada.
stats-index-period = Período
stats-index-published = Fecha de publicación
stats-index-protection = Protección
stats-index-data = Datos
stats-period-range = Del { $start } al { $end }
stats-release-title = Publicación del { $start } al { $end }
stats-release-heading = Publicación: del { $start } al { $end }
stats-release-published = Publicada el { $day }.
stats-release-download = Descargar:
stats-release-once = Cada persona se cuenta como máximo una vez por tabla.
stats-release-noise = Cada cifra de abajo incluye ruido aleatorio en números enteros (privacidad diferencial; esta publicación gastó un épsilon de { $epsilon } del presupuesto de privacidad). Las cifras inferiores a { $threshold } se muestran como «<{ $threshold }».
stats-release-no-noise = Esta publicación no tiene ruido aleatorio. Las cifras pequeñas están ocultas («x»), junto con otras cifras para que ninguna pueda deducirse de los totales, y las demás están redondeadas a un múltiplo de 5.
stats-table-noise = Escala del ruido { $scale } (épsilon { $epsilon }): en 9 de cada 10 casos, el recuento real no se aleja más de { $interval } de la cifra mostrada.
stats-table-no-noise = Sin ruido: las cifras ocultas están marcadas con x; las cifras mostradas están redondeadas a un múltiplo de 5.
stats-chart-empty = Ninguna cifra de esta tabla es lo bastante grande para dibujarla.
stats-chart-row-totals = Totales de las filas mostrados como números; las cifras ocultas y las pequeñas no se dibujan.
stats-chart-figures = Cifras mostradas como números; las cifras ocultas y las pequeñas no se dibujan.
stats-table-count = Recuento
stats-table-total = Total
stats-about-intro = Las personas que denuncian aquí han sufrido represalias por cooperar con las Naciones Unidas. El Estado que cometió una represalia ya sabe lo que hizo. Si publicáramos una cifra exacta como «una prohibición de viajar en el país X en marzo», ese Estado sabría que su víctima lo denunció. Estas cifras están elaboradas de manera que no se pueda distinguir a nadie.
stats-about-counted = Qué se cuenta
stats-about-counted-consent = Solo los incidentes en los que la persona que los denunció aceptó las estadísticas anonimizadas.
stats-about-counted-assessed = Solo las denuncias que los gestores de casos han evaluado: { $statuses }. Las denuncias nuevas no se cuentan.
stats-about-counted-once = Cada persona se cuenta como máximo una vez por tabla y por año, en una sola categoría: el primero de sus códigos en una lista fija que va de lo más grave a lo menos grave.
stats-about-counted-never = Nunca se cuentan los nombres, las fechas exactas, los lugares dentro de un país, el género ni la edad.
stats-about-fixed = Tablas fijas, listas fijas, años completos
# $month is the English name of the month the year starts in, from the server.
stats-about-period = del 1 de { $month ->
        [January] enero
        [February] febrero
        [March] marzo
        [April] abril
        [May] mayo
        [June] junio
        [July] julio
        [August] agosto
        [September] septiembre
        [October] octubre
        [November] noviembre
        [December] diciembre
       *[other] { $month }
    } al día anterior a esa misma fecha del año siguiente
stats-about-noise = Ruido aleatorio
stats-about-dp-lead = Esto se llama
stats-about-dp-term = privacidad diferencial
stats-about-dp-text = . Su fuerza es un número, épsilon: cuanto más pequeño, más fuerte. Cada publicación gasta parte del épsilon; el total que se podrá gastar está fijado en { $lifetime }, y un registro anota cada publicación. Cuando se agota, no se hacen más publicaciones.
stats-about-without = Sin ruido
stats-about-without-text = Si una publicación se hace sin ruido, cada cifra inferior a { $below } se oculta (se muestra como «x»), se ocultan más cifras cuando hace falta para que una cifra oculta no pueda deducirse de los totales, y las demás se redondean a un múltiplo de { $base }. Una publicación así lo indica en su página.

consent-change-heading = ¿Qué podemos hacer con su denuncia?
consent-change-help = Estas son sus opciones actuales. Cámbielas cuando quiera: una opción que retire se aplica de inmediato a todo lo que aún no se haya enviado ni publicado. A los gestores de casos se les informa de que sus opciones cambiaron, pero no de cómo.
consent-change-submit = Guardar mis opciones
consent-saved-title = Se guardaron sus opciones
consent-saved-text = A partir de ahora, su denuncia se usa solo como usted eligió. A los gestores de casos se les informa de que sus opciones cambiaron.

## Error summary
# Heading of the box at the top of a form that lists each problem as a link to its field.

error-summary-title = Hay un problema

## Browser code
# Messages only the page's script shows.

js-connection-failed = No se pudo enviar: falló la conexión con el servidor. No se guardó nada. Compruebe su conexión e inténtelo de nuevo.

## Statistics (issue 16)
## Releases with a headline total measured on its own, breakdowns fitted to it, every figure
## with its 90% interval, and countries shown only over a threshold.

stats-release-noise-intervals = Cada cifra de abajo es el recuento real más ruido aleatorio en números enteros (privacidad diferencial; esta publicación gastó un épsilon de { $epsilon } del presupuesto de privacidad). Cada cifra va acompañada de su intervalo del 90 %: el rango que contiene el recuento real en al menos 9 de cada 10 casos. Cuando un intervalo llega a 0, el recuento real puede ser cero. Los desgloses se ajustan para que sumen el total, que se mide por separado.
stats-headline = Número total de víctimas: { $total } (intervalo del 90 %: de { $low } a { $high }).
stats-headline-may-be-zero = Número total de víctimas: { $total } (intervalo del 90 %: de { $low } a { $high }; el número real puede ser cero).
stats-tiny-sample = Esta publicación cuenta pocas personas (unas { $total }). Sus desgloses necesitan un total de al menos { $needed } para distinguir sus categorías del ruido: cite el total y su intervalo, y lea los desgloses como ruido en su mayor parte.
stats-table-noise-intervals = Escala del ruido { $scale } (épsilon { $epsilon }). El intervalo del 90 % de cada cifra es la cifra medida, más o menos { $interval }; contiene el recuento real en el { $coverage } de los casos. El total es el total indicado arriba, con su propio intervalo.
stats-table-noise-threshold = Escala del ruido { $scale } (épsilon { $epsilon }). Un país se muestra porque su recuento medido alcanzó el umbral, así que su intervalo del 90 % tiene en cuenta el ruido que pudo haberlo hecho subir: justo por encima del umbral llega hasta 0 (puede que el país no tuviera ninguna víctima); muy por encima, es el recuento medido, más o menos { $interval }. Los intervalos contienen el recuento real para al menos el 90 % de los países mostrados.
stats-table-interval = Intervalo del 90 %
stats-interval = { $low } a { $high }
stats-interval-may-be-zero = { $low } a { $high }: puede ser cero
stats-threshold = Solo se muestran los países cuyo recuento con ruido es de al menos { $threshold }. Con ese umbral, un país sin ninguna víctima aparece por azar como máximo en el { $rate } de las publicaciones, aunque el recuento real sea cero para todos los países de la lista ({ $categories } en total). Los países por debajo del umbral ({ $hidden }) no se muestran: eso no significa que no tuvieran víctimas.
stats-chart-intervals = Las barras son las cifras publicadas; las líneas negras en sus extremos son los intervalos del 90 %.
stats-chart-title = { $title }: gráfico de barras
stats-chart-desc = { $count ->
        [one] { $count } cifra, con su intervalo del 90 %
       *[other] { $count } cifras, cada una con su intervalo del 90 %
    }: { $figures }.
stats-chart-figure-interval = { $label }: { $value } ({ $low } a { $high })
stats-chart-figure = { $label }: { $value }
stats-about-fixed-text-thresholds = Las tablas se definen de antemano; no hay otras, y figuran en cada publicación. Las categorías proceden de listas públicas fijas (los { $countries } Estados Miembros y Estados observadores de las Naciones Unidas, más «otro»; los grupos regionales de las Naciones Unidas; familias de represalias y de mecanismos de las Naciones Unidas), para que la forma de una tabla no revele nada. Los desgloses con pocas categorías muestran todas las categorías, incluidos los ceros. Los países solo se muestran cuando su recuento con ruido supera un umbral, elegido de manera que un país sin ninguna víctima aparezca por azar como máximo en el { $rate } de las publicaciones; un país que no se muestra puede haber tenido víctimas. Las cifras abarcan años completos ({ $period }), se calculan una sola vez cuando termina el año y nunca se recalculan ni se corrigen.
stats-about-noise-text-intervals = Cada cifra publicada es el recuento real más un número entero aleatorio que obtiene el generador aleatorio seguro del servidor (la distribución de «Laplace discreta»). Los cambios pequeños, como una persona más o menos, quedan ocultos por el ruido; las tendencias grandes siguen siendo visibles. Cada cifra se publica con su intervalo del 90 %, calculado exactamente a partir de esa distribución: el recuento real está dentro de él en al menos nueve de cada diez casos. El total se mide por separado, y los desgloses se ajustan (sin mirar ningún recuento real) para que sumen el total.
