# Safehold reporter pages, English.
# To add a language, copy this file to locales/<tag>/safehold.ftl and translate every message.

language-name = English
site-name = Safehold
skip-to-content = Skip to the form
language-label = Language
language-submit = Change language
footer-text = Safehold keeps reports encrypted. It stores no IP address and no exact time of arrival.
keyring-fingerprint-label = Fingerprint of the keys your report is encrypted to:
keyring-published-at = Check that it is the same as the one the organisation publishes at { $where }. If it is not, do not use this site; reach the organisation another way.
keyring-published-demo = This is a demonstration site: its keys are public and this fingerprint is published nowhere. Do not report real events here.
keyring-published-unsaid = The organisation has not said where it publishes this fingerprint. Ask them through another channel before you trust this site.
organisation-heading = Who runs this service, and what happens next
organisation-run-by = This service is run by { $organisation }.
organisation-next = When you send a report, only the caseworkers of { $organisation } who handle its kind of report can read it. They assess it and answer you on the page where you check your report. Look there with your codephrase { $days ->
    [one] after one day
   *[other] after { $days } days
}, and again after each answer.
organisation-check-link = Check your report

## The report form

intake-title = Report reprisals or intimidation
intake-lead = Use this form if you, or someone close to you, faced reprisals or intimidation for cooperating, or trying to cooperate, with the United Nations on human rights.
intake-mode-server = This page works without JavaScript. In this mode your report travels to the server over the encrypted connection, and the server encrypts it at once for the caseworkers. For a moment the server handles your words unencrypted in its memory; it never writes them to disk.
intake-safety = Write only what you are comfortable sharing. You can leave any field empty.
routing-legend = Help us send your report to the right people (optional)
routing-help = These three answers are not encrypted: the server uses them to choose which caseworkers receive your report.
mechanism-label = Which part of the UN did you cooperate with?
mechanism-none = I prefer not to say
mechanism-treaty_body = A treaty body (for example the Human Rights Committee or the Committee against Torture)
mechanism-special_procedures = A special rapporteur or working group (special procedures)
mechanism-upr = The Universal Periodic Review
mechanism-human_rights_council = The Human Rights Council
mechanism-ohchr = The UN Human Rights Office (OHCHR)
mechanism-other = Another part of the UN
mechanism-unsure = I am not sure
region-label = Where did it happen?
region-none = I prefer not to say
region-african = Africa
region-asia_pacific = Asia and the Pacific
region-eastern_european = Eastern Europe
region-latin_american_caribbean = Latin America and the Caribbean
region-western_european_others = Western Europe and other States
danger-label = Is someone in immediate danger?
danger-yes = Yes
danger-no = No
danger-unsure = I prefer not to say
urgent-lead = If someone is in danger now, do not wait for an answer here: this service answers in days. Turn now to:
report-legend = What happened
what-happened-label = What happened?
what-happened-help = Describe the reprisal or intimidation: what was done, by whom if you know.
when-label = When did it happen?
when-help = An approximate date is fine, for example "early March 2026".
where-label = Where did it happen?
un-engagement-label = How did you, or the person affected, engage with the UN?
un-engagement-help = For example a submission, a testimony, a meeting, or a communication reference.
people-label = Who was affected?
people-help = You do not have to give names.
contact-label = How may caseworkers reach you, if at all?
contact-help = Leave empty to use only this site's receipt page. Caseworkers can always reply there.
attachments-legend = Files (optional)
attachments-label = Add files
attachments-help = Up to { $limit } in total.
attachments-metadata-warning = Files can carry hidden information, such as the place and time a photo was taken, or the name of the author. Without JavaScript this page cannot remove it. If you can, remove it before adding a file.
consent-legend = What may we do with your report?
consent-help = Tick only what you agree to. You can change your mind later from the receipt page.
consent-ohchr = Share it with the UN Human Rights Office's reprisals team
consent-mechanism = Share it with the UN body I cooperated with
consent-sg-named = Mention my case, with names, in the Secretary-General's annual report on reprisals
consent-sg-anonymous = Mention my case without names in that report
consent-statistics = Count it in anonymous statistics, which are built so that no one can be singled out
submit = Encrypt and send the report

## After sending

submitted-title = Your report was received
submitted-lead = Your report is encrypted and stored. Only the caseworkers of the { $route } team can read it.
submitted-not-emergency = This service is not an emergency service: the caseworkers answer in days. If someone is in danger now, do not wait for an answer here. Turn now to:
submitted-mode-server = Your report was encrypted by the server, which handled it unencrypted in memory for a moment and never wrote it to disk.
codephrase-heading = Your codephrase
codephrase-help = Write these words down and keep them safe. They are the only way to see replies and the status of your report. Nobody, not even the caseworkers, can recover them for you.
codephrase-warning = Anyone who has these words can read the replies to your report. Do not store them where others can find them.
report-id-label = Report reference
receipt-link = Check your report later
intake-check-report = Already sent a report? Check it and read replies with your codephrase

## Receipt

receipt-title = Check your report
receipt-lead = Enter your codephrase to see the status of your report.
codephrase-label = Codephrase
codephrase-input-help = The words you received, separated by spaces.
receipt-submit = Check
receipt-derivation-server = Without JavaScript, the server turns your codephrase into your keys for the length of this one request and then wipes them.
status-title = Your report
status-label = Status
received-label = Received on
status-received = Received: it waits for a caseworker.
status-under_assessment = Being assessed by the caseworkers.
status-credible = Assessed as credible.
status-not_substantiated = Assessed as not substantiated.
status-referred = Referred to a UN mechanism, with your consent.
status-closed = Closed.
status-unreadable = The caseworkers could not open your report. Please send it again, from another device if you can.
thread-heading = Messages
thread-empty = No messages yet. Caseworkers will reply here.
thread-from-you = You
thread-from-caseworker = A caseworker
thread-followup-sealed = (Your follow-up, encrypted for the caseworkers. It cannot be shown here.)
thread-unreadable = (This message could not be opened.)
thread-reply-files = Files come with this message: { $names }. They are too large for this page: to download them, open this page again in a browser with JavaScript on.
thread-reply-files-download = Files come with this message. Select one to save it:
thread-from-unknown = Not from the caseworkers
thread-missing = Warning: messages are missing here (how many: { $count }). Someone with access to the server removed them. Tell the organisation through another channel.
thread-forged = Warning: this message was not written by the caseworkers or by you. Someone with access to the server added it. Do not follow anything it asks, and tell the organisation through another channel.
followup-heading = Add information
followup-label = What would you like to add?
followup-mode-server = Without JavaScript, the server encrypts what you add at once for the caseworkers; it briefly handles it unencrypted in memory and never writes it to disk.
followup-submit = Encrypt and send
followup-sent-title = Your information was sent
followup-sent-text = It is encrypted and stored for the caseworkers of your report.
not-found-title = No report found
not-found-text = No report matches this codephrase. Check each word and try again.

## With JavaScript

js-mode-browser = Your report will be encrypted in this browser before it is sent. The server never sees it unencrypted.
js-integrity-failed = The encryption code of this page did not load, or failed its integrity check and was blocked. Your report will go through the server path described above.
js-fingerprint-mismatch = The caseworkers' keys sent by the server do not match the keys this page was published with. To protect you, this page will not encrypt or send your report. Do not use this site now; reach the organisation through another channel.
js-routes-failed = The list of caseworkers could not be loaded, so your report will go through the server path described above.
js-encrypting = Encrypting your report in this browser…
js-deriving = Preparing your codephrase…
js-send-failed = Your report could not be sent: { $detail }. Nothing was stored. Please try again.
js-submitted-lead = Your report is encrypted and stored. Only the caseworkers it was sent to can read it.
js-submitted-mode = Your report was encrypted in this browser. The server never saw it unencrypted.
js-receipt-derivation = Your codephrase stays in this browser: your keys are computed here, and only a lookup value is sent.
js-codephrase-word-count = A codephrase has 8 words, but you entered { $found }. Type every word of your receipt, separated by spaces.
strip-metadata-label = Remove hidden information (such as the place and camera) from photos before encrypting them (JPEG and PNG)

## Errors

codephrase-too-few = A codephrase has 8 words, but you entered { $found }. Type every word of your receipt, separated by spaces.
codephrase-too-many = A codephrase has at most { $limit } words, but you entered { $found }. Check that you typed only your codephrase.
codephrase-unknown-word = Word number { $position } is not in the codephrase word list. Check its spelling.

error-title = Something went wrong
error-back = Go back to the form
error-csrf = This form has expired or was not sent from this site. Go back, reload the page, and send it again. Your browser may have kept what you typed.
error-too-large = Your files are too large. The limit is { $limit } in total. Remove or shrink some files and send again.
error-bad-form = The form could not be read: { $detail }. Go back and send it again.
error-field-too-long = The field "{ $field }" is too long. Shorten it and send again.
error-bad-answer = One of the routing answers is not valid. Go back, choose from the list, and send again.
error-rate-limited = Too many attempts. { $seconds ->
        [one] Wait one second, then try again.
       *[other] Wait { $seconds } seconds, then try again.
    }
error-busy = Many reports are arriving at this moment, and yours was not sent yet. Nothing was saved. { $seconds ->
        [one] Go back, wait one second, and send it again.
       *[other] Go back, wait { $seconds } seconds, and send it again.
    }
error-honeypot = A field meant to stay empty was filled in, so the report was not sent. Your browser may have filled it in for you. Go back, clear the field labelled "Leave this empty", and send again.
honeypot-label = Leave this empty
error-not-found = This page does not exist.
error-method = This address does not accept that kind of request.
error-content-type = The form was sent in a format this page cannot read. Use the form on this site.
error-followup-expired = This page is too old to send information from. Open your report again with your codephrase, then send.
error-consent-used = This form was already sent once. To change your choices again, open your report again with your codephrase.
error-followup-used = This form was already sent once; your information was not added a second time. To add more, open your report again with your codephrase.
error-followup-empty = There is nothing to send. Write something or add a file.
error-unavailable = The service could not store your report just now. Nothing was saved. Please try again in a few minutes.
error-unavailable-read = The service cannot reach its records just now. Nothing was changed. Please try again in a few minutes.

## Public statistics

stats-site-name = Safehold statistics
stats-skip-to-content = Skip to content
stats-nav-releases = Releases
stats-about-title = How these figures protect people
stats-unavailable = The statistics could not be read just now. Please try again later.
stats-not-found = No such release. The list is at /stats.
stats-csv = CSV
stats-json = JSON
stats-protection-noise = Random noise (differential privacy), epsilon { $epsilon } in all
stats-protection-none = No noise: small figures hidden, others rounded
stats-index-title = Statistics releases
stats-index-intro = Reprisals and intimidation against people who cooperate with the United Nations on human rights, as reported to this service and coded by caseworkers. Each release covers one closed year, is computed once and never changed.
stats-index-about-link = How these figures protect people.
stats-index-none = No release has been published yet.
stats-index-period = Period
stats-index-published = Published
stats-index-protection = Protection
stats-index-data = Data
stats-period-range = { $start } to { $end }
stats-release-title = Release { $start } to { $end }
stats-release-heading = Release: { $start } to { $end }
stats-release-published = Published { $day }.
stats-release-download = Download:
stats-release-once = Each person is counted at most once per table.
stats-release-noise = Every figure below includes random whole-number noise (differential privacy; this release spent epsilon { $epsilon } of the privacy budget). Figures under { $threshold } are shown as "<{ $threshold }".
stats-release-no-noise = This release has no random noise. Small figures are hidden ("x"), with further figures hidden so that none can be worked out from the totals, and the rest are rounded to a multiple of 5.
stats-table-noise = Noise scale { $scale } (epsilon { $epsilon }): in 9 cases out of 10, the true count is within { $interval } of the figure shown.
stats-table-no-noise = No noise: hidden figures are marked x; shown figures are rounded to a multiple of 5.
stats-chart-empty = No figure of this table is large enough to draw.
stats-chart-row-totals = Row totals shown as numbers; hidden and small figures are not drawn.
stats-chart-figures = Figures shown as numbers; hidden and small figures are not drawn.
stats-table-count = Count
stats-table-total = Total
stats-about-intro = The people who report here have suffered reprisals for cooperating with the United Nations. The State that committed a reprisal already knows what it did. If we published an exact figure such as "one travel ban in country X in March", that State would learn that its victim had reported. These figures are built so that they cannot single anyone out.
stats-about-counted = What is counted
stats-about-counted-consent = Only incidents whose reporter agreed to anonymized statistics.
stats-about-counted-assessed = Only allegations that caseworkers have assessed: { $statuses }. New reports do not count.
stats-about-counted-once = Each person counts at most once per table and per year, under one category: the first of their codes in a fixed list that runs from the most to the least serious.
stats-about-counted-never = Names, exact dates, places inside a country, gender and age are never counted.
stats-about-fixed = Fixed tables, fixed lists, whole years
stats-about-period = from 1 { $month } to the last day before it a year later
stats-about-noise = Random noise
stats-about-dp-lead = This is
stats-about-dp-term = differential privacy
stats-about-dp-text = . Its strength is a number, epsilon: the smaller, the stronger. Each release spends some epsilon; the total that may ever be spent is fixed at { $lifetime }, and a ledger records every release. When it is spent, no more releases are made.
stats-about-without = Without noise
stats-about-without-text = If a release is made without noise, every figure under { $below } is hidden (shown as "x"), more figures are hidden where needed so that a hidden one cannot be worked out from the totals, and the others are rounded to a multiple of { $base }. Such a release says so on its page.

consent-change-heading = What may we do with your report?
consent-change-help = These are your choices now. Change them at any time: a choice you take back applies at once to anything not yet sent or published. The caseworkers are told that your choices changed, not how.
consent-change-submit = Save my choices
consent-saved-title = Your choices are saved
consent-saved-text = From now on, your report is used only as you chose. The caseworkers are told that your choices changed.

## Error summary
# Heading of the box at the top of a form that lists each problem as a link to its field
# (the receipt form; with JavaScript also the report and follow-up forms).

error-summary-title = There is a problem

## Browser code
# Messages only the page's script shows (web/src/main.js reads them from the page's
# #safehold-messages element, rendered from this catalogue). Its other messages reuse the
# ids above: js-*, the submitted and receipt pages' words, error-unavailable.

js-connection-failed = This could not be sent: the connection to the server failed. Nothing was stored. Check your connection and try again.

## Statistics (issue 16)
## Releases with a headline total measured on its own, breakdowns fitted to it, every figure
## with its 90% interval, and countries shown only over a threshold.

stats-release-noise-intervals = Every figure below is the true count plus random whole-number noise (differential privacy; this release spent epsilon { $epsilon } of the privacy budget). Each figure comes with its 90% interval: the range that holds the true count in at least 9 cases out of 10. Where an interval reaches 0, the true count may be zero. The breakdowns are adjusted to add up to the total, which is measured on its own.
stats-headline = In all: { $total } victims (90% interval: { $low } to { $high }).
stats-headline-may-be-zero = In all: { $total } victims (90% interval: { $low } to { $high }; the true number may be zero).
stats-tiny-sample = This release counts few people (about { $total }). Its breakdowns need a total of at least { $needed } to tell their categories apart from noise: quote the total and its interval, and read the breakdowns as mostly noise.
stats-table-noise-intervals = Noise scale { $scale } (epsilon { $epsilon }). Each figure's 90% interval is the figure as measured, plus or minus { $interval }; it holds the true count in { $coverage } of cases. The total is the total above, with its own interval.
stats-table-noise-threshold = Noise scale { $scale } (epsilon { $epsilon }). A country is shown because its measured count reached the threshold, so its 90% interval allows for noise that pushed it up: just over the threshold it reaches down to 0 (the country may have had no victim); well above it, it is the count as measured, plus or minus { $interval }. The intervals hold the true count for at least 90% of the countries shown.
stats-table-interval = 90% interval
stats-interval = { $low } to { $high }
stats-interval-may-be-zero = { $low } to { $high }: may be zero
stats-threshold = Only countries whose noisy count is at least { $threshold } are shown. At that threshold, a country with no victim at all appears by chance in { $rate } of releases at most, even when every one of the { $categories } countries on the list is truly zero. The { $hidden } countries below the threshold are not shown: that does not mean that they had no victims.
stats-chart-intervals = Bars are the published figures; the black lines across their ends are the 90% intervals.
stats-chart-title = { $title }: bar chart
stats-chart-desc = { $count } figures, each with its 90% interval: { $figures }.
stats-chart-figure-interval = { $label }: { $value } ({ $low } to { $high })
stats-chart-figure = { $label }: { $value }
stats-about-fixed-text-thresholds = The tables are declared in advance; the only ones are listed on each release. The categories come from fixed public lists (all { $countries } UN member and observer States, plus "other"; the UN regional groups; families of reprisals and of UN mechanisms), so the shape of a table reveals nothing. Breakdowns with few categories show every category, zeros included. Countries are shown only when their noisy count clears a threshold, chosen so that a country with no victim appears by chance in at most { $rate } of releases; a country that is not shown may have had victims. Figures cover whole years ({ $period }), are computed once after the year ends, and are never recomputed or corrected.
stats-about-noise-text-intervals = Each published figure is the true count plus a random whole number drawn by the server's secure random generator (the "discrete Laplace" distribution). Small changes, such as one person more or less, are hidden by the noise; large patterns remain visible. Every figure is published with its 90% interval, worked out exactly from that distribution: the true count lies inside it in at least nine cases out of ten. The total is measured on its own, and the breakdowns are adjusted (without looking at any true count) so that they add up to it.
