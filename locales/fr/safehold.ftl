# Pages de Safehold pour les personnes qui signalent, en français.
# Traduit depuis locales/en/safehold.ftl. EN ATTENTE DE RELECTURE par une personne de langue
# maternelle française : voir locales/README.md. Termes de l'ONU et forme d'adresse (vous) :
# locales/fr/GLOSSARY.md.

language-name = Français
site-name = Safehold
skip-to-content = Aller au formulaire
language-label = Langue
language-submit = Changer de langue
footer-text = Safehold conserve les signalements chiffrés. Il n'enregistre aucune adresse IP ni l'heure exacte d'arrivée.
keyring-fingerprint-label = Empreinte des clés avec lesquelles votre signalement est chiffré :
keyring-published-at = Vérifiez qu'elle est identique à celle que l'organisation publie à cet endroit : { $where }. Si ce n'est pas le cas, n'utilisez pas ce site ; contactez l'organisation par un autre moyen.
keyring-published-demo = Ceci est un site de démonstration : ses clés sont publiques et cette empreinte n'est publiée nulle part. Ne signalez pas de faits réels ici.
keyring-published-unsaid = L'organisation n'a pas indiqué où elle publie cette empreinte. Demandez-le-lui par un autre moyen avant de faire confiance à ce site.
organisation-heading = Qui gère ce service, et ce qui se passe ensuite
organisation-run-by = Ce service est géré par { $organisation }.
organisation-next = Lorsque vous envoyez un signalement, seuls les chargés de dossiers de { $organisation } qui traitent ce type de signalement peuvent le lire. Ils l'examinent et vous répondent sur la page où vous consultez votre signalement. Consultez-la avec votre phrase secrète { $days ->
    [one] après { $days } jour
   *[other] après { $days } jours
}, puis de nouveau après chaque réponse.
organisation-check-link = Consulter votre signalement

## The report form

intake-title = Signaler des représailles ou des actes d'intimidation
intake-lead = Utilisez ce formulaire si vous, ou une personne proche de vous, avez subi des représailles ou des actes d'intimidation pour avoir coopéré, ou tenté de coopérer, avec l'Organisation des Nations Unies dans le domaine des droits de l'homme.
intake-mode-server = Cette page fonctionne sans JavaScript. Dans ce mode, votre signalement est transmis au serveur par la connexion chiffrée, et le serveur le chiffre aussitôt pour les chargés de dossiers. Pendant un court instant, le serveur traite vos mots non chiffrés dans sa mémoire ; il ne les écrit jamais sur le disque.
intake-safety = N'écrivez que ce que vous voulez bien partager. Vous pouvez laisser n'importe quel champ vide.
routing-legend = Aidez-nous à transmettre votre signalement aux bonnes personnes (facultatif)
routing-help = Ces trois réponses ne sont pas chiffrées : le serveur s'en sert pour choisir les chargés de dossiers qui recevront votre signalement.
mechanism-label = Avec quelle partie de l'ONU avez-vous coopéré ?
mechanism-none = Je préfère ne pas répondre
mechanism-treaty_body = Un organe conventionnel (par exemple le Comité des droits de l'homme ou le Comité contre la torture)
mechanism-special_procedures = Un rapporteur spécial ou un groupe de travail (procédures spéciales)
mechanism-upr = L'Examen périodique universel
mechanism-human_rights_council = Le Conseil des droits de l'homme
mechanism-ohchr = Le Haut-Commissariat des Nations Unies aux droits de l'homme (HCDH)
mechanism-other = Une autre partie de l'ONU
mechanism-unsure = Je ne sais pas
region-label = Où cela s'est-il passé ?
region-none = Je préfère ne pas répondre
region-african = Afrique
region-asia_pacific = Asie et Pacifique
region-eastern_european = Europe orientale
region-latin_american_caribbean = Amérique latine et Caraïbes
region-western_european_others = Europe occidentale et autres États
danger-label = Quelqu'un est-il en danger immédiat ?
danger-yes = Oui
danger-no = Non
danger-unsure = Je préfère ne pas répondre
urgent-lead = Si quelqu'un est en danger maintenant, n'attendez pas de réponse ici : ce service répond en quelques jours. Adressez-vous dès maintenant à :
report-legend = Ce qui s'est passé
what-happened-label = Que s'est-il passé ?
what-happened-help = Décrivez les représailles ou l'intimidation : ce qui a été fait, et par qui si vous le savez.
when-label = Quand cela s'est-il passé ?
when-help = Une date approximative suffit, par exemple « début mars 2026 ».
where-label = Où cela s'est-il passé ?
un-engagement-label = Comment vous, ou la personne concernée, avez-vous coopéré avec l'ONU ?
un-engagement-help = Par exemple une contribution écrite, un témoignage, une réunion ou la référence d'une communication.
people-label = Qui a été touché ?
people-help = Vous n'avez pas à donner de noms.
contact-label = Comment les chargés de dossiers peuvent-ils vous joindre, si vous le souhaitez ?
contact-help = Laissez vide pour n'utiliser que la page de suivi de ce site. Les chargés de dossiers peuvent toujours vous y répondre.
attachments-legend = Fichiers (facultatif)
attachments-label = Ajouter des fichiers
attachments-help = Jusqu'à { $limit } au total.
attachments-metadata-warning = Les fichiers peuvent contenir des informations cachées, comme le lieu et l'heure où une photo a été prise, ou le nom de l'auteur. Sans JavaScript, cette page ne peut pas les supprimer. Si vous le pouvez, supprimez-les avant d'ajouter un fichier.
consent-legend = Que pouvons-nous faire de votre signalement ?
consent-help = Cochez uniquement ce que vous acceptez. Vous pourrez changer d'avis plus tard depuis la page de suivi.
consent-ohchr = Le transmettre à l'équipe chargée des représailles du Haut-Commissariat des Nations Unies aux droits de l'homme (HCDH)
consent-mechanism = Le transmettre à l'organe de l'ONU avec lequel j'ai coopéré
consent-sg-named = Mentionner mon cas, en citant les noms, dans le rapport annuel du Secrétaire général sur les représailles
consent-sg-anonymous = Mentionner mon cas sans citer de noms dans ce rapport
consent-statistics = Le compter dans des statistiques anonymes, conçues pour que personne ne puisse y être repéré
submit = Chiffrer et envoyer le signalement

## After sending

submitted-title = Votre signalement a été reçu
submitted-lead = Votre signalement est chiffré et conservé. Seuls les chargés de dossiers de l'équipe { $route } peuvent le lire.
submitted-not-emergency = Ce service n'est pas un service d'urgence : les chargés de dossiers répondent en quelques jours. Si quelqu'un est en danger maintenant, n'attendez pas de réponse ici. Adressez-vous dès maintenant à :
submitted-mode-server = Votre signalement a été chiffré par le serveur, qui l'a traité non chiffré dans sa mémoire pendant un court instant et ne l'a jamais écrit sur le disque.
codephrase-heading = Votre phrase secrète
codephrase-help = Notez ces mots et gardez-les en lieu sûr. C'est le seul moyen de voir les réponses et l'état de votre signalement. Personne, pas même les chargés de dossiers, ne peut les retrouver pour vous.
codephrase-warning = Toute personne qui connaît ces mots peut lire les réponses à votre signalement. Ne les conservez pas là où d'autres pourraient les trouver.
report-id-label = Référence du signalement
receipt-link = Consulter votre signalement plus tard
intake-check-report = Vous avez déjà envoyé un signalement ? Consultez-le et lisez les réponses avec votre phrase secrète

## Receipt

receipt-title = Consulter votre signalement
receipt-lead = Saisissez votre phrase secrète pour voir l'état de votre signalement.
codephrase-label = Phrase secrète
codephrase-input-help = Les mots que vous avez reçus, séparés par des espaces.
receipt-submit = Consulter
receipt-derivation-server = Sans JavaScript, le serveur transforme votre phrase secrète en vos clés le temps de cette seule requête, puis les efface.
status-title = Votre signalement
status-label = État
received-label = Reçu le
status-received = Reçu : il attend d'être pris en charge par un chargé de dossiers.
status-under_assessment = En cours d'examen par les chargés de dossiers.
status-credible = Jugé crédible.
status-not_substantiated = Jugé non étayé.
status-referred = Transmis à un mécanisme de l'ONU, avec votre consentement.
status-closed = Clos.
status-unreadable = Les chargés de dossiers n'ont pas pu ouvrir votre signalement. Veuillez l'envoyer de nouveau, depuis un autre appareil si vous le pouvez.
thread-heading = Messages
thread-empty = Aucun message pour l'instant. Les chargés de dossiers vous répondront ici.
thread-from-you = Vous
thread-from-caseworker = Un chargé de dossiers
thread-followup-sealed = (Votre complément, chiffré pour les chargés de dossiers. Il ne peut pas être affiché ici.)
thread-unreadable = (Ce message n'a pas pu être ouvert.)
thread-reply-files = Des fichiers accompagnent ce message : { $names }. Ils sont trop volumineux pour cette page : pour les télécharger, ouvrez de nouveau cette page dans un navigateur où JavaScript est activé.
thread-reply-files-download = Des fichiers accompagnent ce message. Sélectionnez-en un pour l'enregistrer :
thread-from-unknown = Ne provient pas des chargés de dossiers
thread-missing = Attention : des messages manquent ici (nombre : { $count }). Une personne ayant accès au serveur les a supprimés. Prévenez l'organisation par un autre moyen.
thread-forged = Attention : ce message n'a été écrit ni par les chargés de dossiers ni par vous. Une personne ayant accès au serveur l'a ajouté. Ne faites rien de ce qu'il demande, et prévenez l'organisation par un autre moyen.
followup-heading = Ajouter des informations
followup-label = Que souhaitez-vous ajouter ?
followup-mode-server = Sans JavaScript, le serveur chiffre aussitôt ce que vous ajoutez pour les chargés de dossiers ; il le traite brièvement non chiffré dans sa mémoire et ne l'écrit jamais sur le disque.
followup-submit = Chiffrer et envoyer
followup-sent-title = Vos informations ont été envoyées
followup-sent-text = Elles sont chiffrées et conservées pour les chargés de dossiers de votre signalement.
not-found-title = Aucun signalement trouvé
not-found-text = Aucun signalement ne correspond à cette phrase secrète. Vérifiez chaque mot et réessayez.

## With JavaScript

js-mode-browser = Votre signalement sera chiffré dans ce navigateur avant d'être envoyé. Le serveur ne le voit jamais non chiffré.
js-integrity-failed = Le code de chiffrement de cette page ne s'est pas chargé, ou il a échoué au contrôle d'intégrité et a été bloqué. Votre signalement passera par le serveur, comme décrit plus haut.
js-fingerprint-mismatch = Les clés des chargés de dossiers envoyées par le serveur ne correspondent pas aux clés avec lesquelles cette page a été publiée. Pour vous protéger, cette page ne chiffrera pas votre signalement et ne l'enverra pas. N'utilisez pas ce site pour le moment ; contactez l'organisation par un autre moyen.
js-routes-failed = La liste des chargés de dossiers n'a pas pu être chargée ; votre signalement passera donc par le serveur, comme décrit plus haut.
js-encrypting = Chiffrement de votre signalement dans ce navigateur…
js-deriving = Préparation de votre phrase secrète…
js-send-failed = Votre signalement n'a pas pu être envoyé : { $detail }. Rien n'a été enregistré. Veuillez réessayer.
js-submitted-lead = Votre signalement est chiffré et conservé. Seuls les chargés de dossiers auxquels il a été envoyé peuvent le lire.
js-submitted-mode = Votre signalement a été chiffré dans ce navigateur. Le serveur ne l'a jamais vu non chiffré.
js-receipt-derivation = Votre phrase secrète reste dans ce navigateur : vos clés sont calculées ici, et seule une valeur de recherche est envoyée.
js-codephrase-word-count = Une phrase secrète compte 8 mots, mais vous en avez saisi { $found }. Tapez chacun des mots que vous avez reçus, séparés par des espaces.
strip-metadata-label = Supprimer les informations cachées des photos (comme le lieu et l'appareil photo) avant de les chiffrer (JPEG et PNG)

## Errors

codephrase-too-few = Une phrase secrète compte 8 mots, mais vous en avez saisi { $found }. Tapez chacun des mots que vous avez reçus, séparés par des espaces.
codephrase-too-many = Une phrase secrète compte au plus { $limit } mots, mais vous en avez saisi { $found }. Vérifiez que vous n'avez tapé que votre phrase secrète.
codephrase-unknown-word = Le mot numéro { $position } ne figure pas dans la liste de mots des phrases secrètes. Vérifiez son orthographe.

error-title = Un problème est survenu
error-back = Revenir au formulaire
error-csrf = Ce formulaire a expiré ou n'a pas été envoyé depuis ce site. Revenez en arrière, rechargez la page et envoyez-le de nouveau. Votre navigateur a peut-être gardé ce que vous aviez saisi.
error-too-large = Vos fichiers sont trop volumineux. La limite est de { $limit } au total. Retirez ou réduisez certains fichiers, puis envoyez de nouveau.
error-bad-form = Le formulaire n'a pas pu être lu : { $detail }. Revenez en arrière et envoyez-le de nouveau.
error-field-too-long = Le champ « { $field } » est trop long. Raccourcissez-le, puis envoyez de nouveau.
error-bad-answer = L'une des réponses servant à acheminer votre signalement n'est pas valide. Revenez en arrière, choisissez dans la liste, puis envoyez de nouveau.
error-rate-limited = Trop de tentatives. { $seconds ->
        [one] Attendez { $seconds } seconde, puis réessayez.
       *[other] Attendez { $seconds } secondes, puis réessayez.
    }
error-busy = De nombreux signalements arrivent en ce moment, et le vôtre n'a pas encore été envoyé. Rien n'a été enregistré. { $seconds ->
        [one] Revenez en arrière, attendez { $seconds } seconde, puis envoyez-le de nouveau.
       *[other] Revenez en arrière, attendez { $seconds } secondes, puis envoyez-le de nouveau.
    }
error-honeypot = Un champ qui devait rester vide a été rempli ; le signalement n'a donc pas été envoyé. Votre navigateur l'a peut-être rempli à votre place. Revenez en arrière, videz le champ intitulé « Laissez ce champ vide », puis envoyez de nouveau.
honeypot-label = Laissez ce champ vide
error-not-found = Cette page n'existe pas.
error-method = Cette adresse n'accepte pas ce type de requête.
error-content-type = Le formulaire a été envoyé dans un format que cette page ne sait pas lire. Utilisez le formulaire de ce site.
error-followup-expired = Cette page est trop ancienne pour envoyer des informations. Ouvrez de nouveau votre signalement avec votre phrase secrète, puis envoyez.
error-consent-used = Ce formulaire a déjà été envoyé une fois. Pour modifier encore vos choix, ouvrez de nouveau votre signalement avec votre phrase secrète.
error-followup-used = Ce formulaire a déjà été envoyé une fois ; vos informations n'ont pas été ajoutées une seconde fois. Pour en ajouter d'autres, ouvrez de nouveau votre signalement avec votre phrase secrète.
error-followup-empty = Il n'y a rien à envoyer. Écrivez quelque chose ou ajoutez un fichier.
error-unavailable = Le service n'a pas pu enregistrer votre signalement pour le moment. Rien n'a été enregistré. Veuillez réessayer dans quelques minutes.
error-unavailable-read = Le service ne peut pas accéder à ses données pour le moment. Rien n'a été modifié. Veuillez réessayer dans quelques minutes.

## Public statistics

stats-site-name = Statistiques de Safehold
stats-skip-to-content = Aller au contenu
stats-nav-releases = Publications
stats-about-title = Comment ces chiffres protègent les personnes
stats-unavailable = Les statistiques n'ont pas pu être lues pour le moment. Veuillez réessayer plus tard.
stats-not-found = Cette publication n'existe pas. La liste se trouve à l'adresse /stats.
stats-csv = CSV
stats-json = JSON
stats-protection-noise = Bruit aléatoire (confidentialité différentielle), epsilon { $epsilon } au total
stats-protection-none = Sans bruit : petits chiffres masqués, autres chiffres arrondis
stats-index-title = Publications statistiques
stats-index-intro = Représailles et actes d'intimidation visant des personnes qui coopèrent avec l'Organisation des Nations Unies dans le domaine des droits de l'homme, tels qu'ils ont été signalés à ce service et codés par les chargés de dossiers. Chaque publication couvre une année close ; elle est calculée une seule fois et n'est jamais modifiée.
stats-index-about-link = Comment ces chiffres protègent les personnes.
stats-index-none = Rien n'a encore été publié.
stats-index-period = Période
stats-index-published = Date de publication
stats-index-protection = Protection
stats-index-data = Données
stats-period-range = Du { $start } au { $end }
stats-release-title = Publication du { $start } au { $end }
stats-release-heading = Publication : du { $start } au { $end }
stats-release-published = Publiée le { $day }.
stats-release-download = Télécharger :
stats-release-once = Chaque personne est comptée au plus une fois par tableau.
stats-release-noise = Chaque chiffre ci-dessous comprend un bruit aléatoire en nombres entiers (confidentialité différentielle ; cette publication a utilisé un epsilon de { $epsilon } du budget de confidentialité). Les chiffres inférieurs à { $threshold } sont affichés « <{ $threshold } ».
stats-release-no-noise = Cette publication ne comporte pas de bruit aléatoire. Les petits chiffres sont masqués (« x »), ainsi que d'autres chiffres pour qu'aucun ne puisse être déduit des totaux, et les autres sont arrondis à un multiple de 5.
stats-table-noise = Échelle du bruit { $scale } (epsilon { $epsilon }) : dans 9 cas sur 10, le nombre réel ne s'écarte pas de plus de { $interval } du chiffre affiché.
stats-table-no-noise = Sans bruit : les chiffres masqués sont marqués x ; les chiffres affichés sont arrondis à un multiple de 5.
stats-chart-empty = Aucun chiffre de ce tableau n'est assez grand pour être représenté.
stats-chart-row-totals = Totaux des lignes affichés en nombres ; les chiffres masqués et les petits chiffres ne sont pas représentés.
stats-chart-figures = Chiffres affichés en nombres ; les chiffres masqués et les petits chiffres ne sont pas représentés.
stats-table-count = Nombre
stats-table-total = Total
stats-about-intro = Les personnes qui font un signalement ici ont subi des représailles pour avoir coopéré avec l'Organisation des Nations Unies. L'État qui a commis des représailles sait déjà ce qu'il a fait. Si nous publiions un chiffre exact comme « une interdiction de voyager dans le pays X en mars », cet État apprendrait que sa victime a fait un signalement. Ces chiffres sont conçus pour ne permettre de repérer personne.
stats-about-counted = Ce qui est compté
stats-about-counted-consent = Seuls les incidents pour lesquels l'auteur du signalement a accepté les statistiques anonymisées.
stats-about-counted-assessed = Seules les allégations que les chargés de dossiers ont examinées : { $statuses }. Les nouveaux signalements ne sont pas comptés.
stats-about-counted-once = Chaque personne est comptée au plus une fois par tableau et par année, dans une seule catégorie : le premier de ses codes dans une liste fixe qui va du plus grave au moins grave.
stats-about-counted-never = Les noms, les dates exactes, les lieux à l'intérieur d'un pays, le genre et l'âge ne sont jamais comptés.
stats-about-fixed = Tableaux fixes, listes fixes, années entières
# $month is the English name of the month the year starts in, from the server.
stats-about-period = du 1er { $month ->
        [January] janvier
        [February] février
        [March] mars
        [April] avril
        [May] mai
        [June] juin
        [July] juillet
        [August] août
        [September] septembre
        [October] octobre
        [November] novembre
        [December] décembre
       *[other] { $month }
    } au jour qui précède cette date un an plus tard
stats-about-noise = Bruit aléatoire
stats-about-dp-lead = C'est ce qu'on appelle la
stats-about-dp-term = confidentialité différentielle
stats-about-dp-text = . Sa force se mesure par un nombre, epsilon : plus il est petit, plus la protection est forte. Chaque publication utilise une part d'epsilon ; le total qui pourra jamais être utilisé est fixé à { $lifetime }, et un registre consigne chaque publication. Une fois ce total épuisé, plus aucune publication n'est faite.
stats-about-without = Sans bruit
stats-about-without-text = Si une publication est faite sans bruit, chaque chiffre inférieur à { $below } est masqué (affiché « x »), d'autres chiffres sont masqués si nécessaire pour qu'un chiffre masqué ne puisse pas être déduit des totaux, et les autres sont arrondis à un multiple de { $base }. Une telle publication l'indique sur sa page.

consent-change-heading = Que pouvons-nous faire de votre signalement ?
consent-change-help = Voici vos choix actuels. Modifiez-les à tout moment : un choix que vous retirez s'applique immédiatement à tout ce qui n'a pas encore été transmis ou publié. Les chargés de dossiers sont informés que vos choix ont changé, mais pas de quelle façon.
consent-change-submit = Enregistrer mes choix
consent-saved-title = Vos choix sont enregistrés
consent-saved-text = Désormais, votre signalement est utilisé uniquement comme vous l'avez choisi. Les chargés de dossiers sont informés que vos choix ont changé.

## Error summary
# Heading of the box at the top of a form that lists each problem as a link to its field.

error-summary-title = Il y a un problème

## Browser code
# Messages only the page's script shows.

js-connection-failed = L'envoi n'a pas pu se faire : la connexion au serveur a échoué. Rien n'a été enregistré. Vérifiez votre connexion et réessayez.

## Statistics (issue 16)
## Releases with a headline total measured on its own, breakdowns fitted to it, every figure
## with its 90% interval, and countries shown only over a threshold.

stats-release-noise-intervals = Chaque chiffre ci-dessous est le nombre réel plus un bruit aléatoire en nombres entiers (confidentialité différentielle ; cette publication a utilisé un epsilon de { $epsilon } du budget de confidentialité). Chaque chiffre est accompagné de son intervalle à 90 % : la plage qui contient le nombre réel dans au moins 9 cas sur 10. Quand un intervalle atteint 0, le nombre réel peut être zéro. Les ventilations sont ajustées pour que leur somme soit égale au total, qui est mesuré séparément.
stats-headline = Nombre total de victimes : { $total } (intervalle à 90 % : de { $low } à { $high }).
stats-headline-may-be-zero = Nombre total de victimes : { $total } (intervalle à 90 % : de { $low } à { $high } ; le nombre réel peut être zéro).
stats-tiny-sample = Cette publication compte peu de personnes (environ { $total }). Ses ventilations auraient besoin d'un total d'au moins { $needed } pour distinguer leurs catégories du bruit : citez le total et son intervalle, et considérez les ventilations comme du bruit pour l'essentiel.
stats-table-noise-intervals = Échelle du bruit { $scale } (epsilon { $epsilon }). L'intervalle à 90 % de chaque chiffre est le chiffre mesuré, plus ou moins { $interval } ; il contient le nombre réel dans { $coverage } des cas. Le total est celui indiqué plus haut, avec son propre intervalle.
stats-table-noise-threshold = Échelle du bruit { $scale } (epsilon { $epsilon }). Un pays est affiché parce que son nombre mesuré a atteint le seuil ; son intervalle à 90 % tient donc compte du bruit qui a pu le faire monter : juste au-dessus du seuil, il descend jusqu'à 0 (le pays n'a peut-être eu aucune victime) ; bien au-dessus, c'est le nombre mesuré, plus ou moins { $interval }. Les intervalles contiennent le nombre réel pour au moins 90 % des pays affichés.
stats-table-interval = Intervalle à 90 %
stats-interval = { $low } à { $high }
stats-interval-may-be-zero = { $low } à { $high } : peut être zéro
stats-threshold = Seuls les pays dont le nombre bruité atteint au moins { $threshold } sont affichés. À ce seuil, un pays sans aucune victime apparaît par hasard dans { $rate } des publications au plus, même si le nombre réel est zéro pour chacun des pays de la liste ({ $categories } au total). Les pays sous le seuil ({ $hidden }) ne sont pas affichés : cela ne veut pas dire qu'ils n'ont pas eu de victimes.
stats-chart-intervals = Les barres sont les chiffres publiés ; les traits noirs à leur extrémité sont les intervalles à 90 %.
stats-chart-title = { $title } : diagramme en barres
stats-chart-desc = { $count ->
        [one] { $count } chiffre, avec son intervalle à 90 %
       *[other] { $count } chiffres, chacun avec son intervalle à 90 %
    } : { $figures }.
stats-chart-figure-interval = { $label } : { $value } ({ $low } à { $high })
stats-chart-figure = { $label } : { $value }
stats-about-fixed-text-thresholds = Les tableaux sont définis à l'avance ; il n'en existe pas d'autres, et ils sont énumérés dans chaque publication. Les catégories proviennent de listes publiques fixes (les { $countries } États Membres et États observateurs de l'ONU, plus « autre » ; les groupes régionaux de l'ONU ; des familles de représailles et de mécanismes de l'ONU) : ainsi, la forme d'un tableau ne révèle rien. Les ventilations qui ont peu de catégories affichent chaque catégorie, zéros compris. Les pays ne sont affichés que si leur nombre bruité dépasse un seuil, choisi pour qu'un pays sans aucune victime n'apparaisse par hasard que dans { $rate } des publications au plus ; un pays qui n'est pas affiché peut avoir eu des victimes. Les chiffres couvrent des années entières ({ $period }), sont calculés une seule fois après la fin de l'année, et ne sont jamais recalculés ni corrigés.
stats-about-noise-text-intervals = Chaque chiffre publié est le nombre réel plus un nombre entier aléatoire tiré par le générateur aléatoire sécurisé du serveur (la loi « de Laplace discrète »). Les petits changements, comme une personne de plus ou de moins, sont masqués par le bruit ; les grandes tendances restent visibles. Chaque chiffre est publié avec son intervalle à 90 %, calculé exactement à partir de cette loi : le nombre réel s'y trouve dans au moins neuf cas sur dix. Le total est mesuré séparément, et les ventilations sont ajustées (sans regarder aucun nombre réel) pour que leur somme lui soit égale.
