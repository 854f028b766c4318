# Safehold 报告人页面，简体中文。
# Translated from locales/en/safehold.ftl. AWAITING REVIEW by a native speaker of Chinese: see
# locales/README.md. UN terms and the form of address (您): locales/zh/GLOSSARY.md.
# Chinese has one plural form (CLDR: other), so the English plural selects become plain text
# here; every variable is kept.

language-name = 中文
site-name = Safehold
skip-to-content = 跳至表格
language-label = 语言
language-submit = 切换语言
footer-text = Safehold 以加密形式保存报告，不存储任何 IP 地址，也不记录报告到达的确切时间。
keyring-fingerprint-label = 用于加密您的报告的密钥指纹：
keyring-published-at = 请核对它是否与该组织在以下位置公布的指纹相同：{ $where }。如果不同，请不要使用本网站，并通过其他方式联系该组织。
keyring-published-demo = 这是一个演示网站：它的密钥是公开的，这个指纹没有在任何地方公布。请不要在这里报告真实事件。
keyring-published-unsaid = 该组织没有说明在哪里公布这个指纹。在信任本网站之前，请通过其他渠道向他们询问。
organisation-heading = 谁在运营这项服务，接下来会发生什么
organisation-run-by = 这项服务由 { $organisation } 运营。
organisation-next = 您发送报告后，只有 { $organisation } 负责处理这类报告的个案工作人员才能阅读。他们会进行评估，并在您查看报告的页面上答复您。请在 { $days } 天后用您的密码短语到那里查看，此后每次收到答复后也请再查看。
organisation-check-link = 查看您的报告

## The report form

intake-title = 报告报复或恐吓行为
intake-lead = 如果您或您身边的人因在人权领域与联合国合作或试图合作而遭受报复或恐吓，请使用此表格。
intake-mode-server = 本页面无需 JavaScript 即可使用。在此模式下，您的报告通过加密连接传送到服务器，服务器会立即为个案工作人员将其加密。在短暂的时间内，服务器会在内存中处理您未加密的文字；它绝不会把这些文字写入磁盘。
intake-safety = 只写您愿意分享的内容。任何栏目都可以留空。
routing-legend = 帮助我们把您的报告送到合适的人手中（可选）
routing-help = 以下三个回答不加密：服务器用它们来选择由哪些个案工作人员接收您的报告。
mechanism-label = 您与联合国的哪个部分进行了合作？
mechanism-none = 我不想说
mechanism-treaty_body = 条约机构（例如人权事务委员会或禁止酷刑委员会）
mechanism-special_procedures = 特别报告员或工作组（特别程序）
mechanism-upr = 普遍定期审议
mechanism-human_rights_council = 人权理事会
mechanism-ohchr = 联合国人权事务高级专员办事处（人权高专办）
mechanism-other = 联合国的其他部分
mechanism-unsure = 我不确定
region-label = 事情发生在哪里？
region-none = 我不想说
region-african = 非洲
region-asia_pacific = 亚洲及太平洋
region-eastern_european = 东欧
region-latin_american_caribbean = 拉丁美洲和加勒比
region-western_european_others = 西欧和其他国家
danger-label = 是否有人正面临紧迫危险？
danger-yes = 是
danger-no = 否
danger-unsure = 我不想说
urgent-lead = 如果有人现在就处于危险之中，请不要在这里等待答复：本服务需要数天才能答复。请立即联系：
report-legend = 发生了什么
what-happened-label = 发生了什么？
what-happened-help = 请描述报复或恐吓行为：做了什么；如果您知道，请说明是谁做的。
when-label = 事情是什么时候发生的？
when-help = 大致日期即可，例如“2026 年 3 月初”。
where-label = 事情发生在哪里？
un-engagement-label = 您或受影响的人是如何与联合国合作的？
un-engagement-help = 例如提交材料、作证、会面，或来文编号。
people-label = 谁受到了影响？
people-help = 您不必提供姓名。
contact-label = 如果您愿意，个案工作人员可以怎样联系您？
contact-help = 如果留空，就只使用本网站的查询页面。个案工作人员始终可以在那里答复您。
attachments-legend = 文件（可选）
attachments-label = 添加文件
attachments-help = 总计不超过 { $limit }。
attachments-metadata-warning = 文件可能带有隐藏信息，例如照片的拍摄地点和时间，或作者的姓名。没有 JavaScript，本页面无法删除这些信息。如果可以，请在添加文件前自行删除。
consent-legend = 我们可以如何处理您的报告？
consent-help = 只勾选您同意的事项。以后您可以在查询页面上改变主意。
consent-ohchr = 与联合国人权事务高级专员办事处（人权高专办）的报复问题小组分享
consent-mechanism = 与我曾合作的联合国机构分享
consent-sg-named = 在秘书长关于报复问题的年度报告中提及我的案件，并列出姓名
consent-sg-anonymous = 在该报告中提及我的案件，但不列出姓名
consent-statistics = 计入匿名统计数据；这些统计数据的编制方式确保无法从中单独识别出任何人
submit = 加密并发送报告

## After sending

submitted-title = 您的报告已收到
submitted-lead = 您的报告已加密并保存。只有 { $route } 小组的个案工作人员才能阅读。
submitted-not-emergency = 本服务不是紧急服务：个案工作人员需要数天才能答复。如果有人现在就处于危险之中，请不要在这里等待答复。请立即联系：
submitted-mode-server = 您的报告由服务器加密；服务器曾在内存中短暂处理未加密的内容，从未将其写入磁盘。
codephrase-heading = 您的密码短语
codephrase-help = 请把这些词写下来并妥善保管。这是查看答复和报告状态的唯一途径。任何人，包括个案工作人员，都无法为您找回它们。
codephrase-warning = 任何掌握这些词的人都能阅读对您报告的答复。请不要把它们存放在别人可能找到的地方。
report-id-label = 报告编号
receipt-link = 稍后查看您的报告
intake-check-report = 已经发送过报告？请用您的密码短语查看报告并阅读答复

## Receipt

receipt-title = 查看您的报告
receipt-lead = 输入您的密码短语，查看报告的状态。
codephrase-label = 密码短语
codephrase-input-help = 您收到的词，用空格分隔。
receipt-submit = 查看
receipt-derivation-server = 没有 JavaScript 时，服务器只在这一次请求期间把您的密码短语转换为您的密钥，随后将其清除。
status-title = 您的报告
status-label = 状态
received-label = 收到日期
status-received = 已收到：正在等待个案工作人员处理。
status-under_assessment = 个案工作人员正在评估。
status-credible = 经评估认为可信。
status-not_substantiated = 经评估认为证据不足。
status-referred = 经您同意，已转交联合国的一个机制。
status-closed = 已结案。
status-unreadable = 个案工作人员无法打开您的报告。请重新发送；如有可能，请使用另一台设备。
thread-heading = 消息
thread-empty = 还没有消息。个案工作人员会在这里答复。
thread-from-you = 您
thread-from-caseworker = 个案工作人员
thread-followup-sealed = （您的补充信息，已为个案工作人员加密，无法在此显示。）
thread-unreadable = （无法打开此消息。）
thread-reply-files = 此消息附有文件：{ $names }。这些文件对本页面来说太大：如需下载，请在启用了 JavaScript 的浏览器中重新打开此页面。
thread-reply-files-download = 此消息附有文件。请选择一个文件进行保存：
thread-from-unknown = 并非来自个案工作人员
thread-missing = 警告：这里缺少消息（数量：{ $count }）。某个能够访问服务器的人删除了它们。请通过其他渠道告知该组织。
thread-forged = 警告：这条消息既不是个案工作人员写的，也不是您写的。某个能够访问服务器的人添加了它。请不要照它的要求做任何事，并通过其他渠道告知该组织。
followup-heading = 补充信息
followup-label = 您想补充什么？
followup-mode-server = 没有 JavaScript 时，服务器会立即为个案工作人员加密您补充的内容；它会在内存中短暂处理未加密的内容，绝不会写入磁盘。
followup-submit = 加密并发送
followup-sent-title = 您的信息已发送
followup-sent-text = 信息已加密并保存，供负责您报告的个案工作人员查看。
not-found-title = 未找到报告
not-found-text = 没有与此密码短语相符的报告。请检查每个词，然后重试。

## With JavaScript

js-mode-browser = 您的报告将在发送前在此浏览器中加密。服务器永远看不到未加密的内容。
js-integrity-failed = 本页面的加密代码未能加载，或未通过完整性检查而被阻止。您的报告将通过上文所述的服务器方式发送。
js-fingerprint-mismatch = 服务器发送的个案工作人员密钥与本页面发布时所用的密钥不一致。为保护您，本页面不会加密或发送您的报告。请暂时不要使用本网站，并通过其他渠道联系该组织。
js-routes-failed = 无法加载个案工作人员名单，因此您的报告将通过上文所述的服务器方式发送。
js-encrypting = 正在此浏览器中加密您的报告……
js-deriving = 正在准备您的密码短语……
js-send-failed = 您的报告未能发送：{ $detail }。没有保存任何内容。请重试。
js-submitted-lead = 您的报告已加密并保存。只有接收该报告的个案工作人员才能阅读。
js-submitted-mode = 您的报告已在此浏览器中加密。服务器从未看到未加密的内容。
js-receipt-derivation = 您的密码短语只留在此浏览器中：您的密钥在这里计算，只发送一个查询值。
js-codephrase-word-count = 密码短语由 8 个词组成，但您输入了 { $found } 个。请输入您收到的每一个词，用空格分隔。
strip-metadata-label = 加密前删除照片中的隐藏信息（例如地点和相机）（JPEG 和 PNG）

## Errors

codephrase-too-few = 密码短语由 8 个词组成，但您输入了 { $found } 个。请输入您收到的每一个词，用空格分隔。
codephrase-too-many = 密码短语最多有 { $limit } 个词，但您输入了 { $found } 个。请检查您是否只输入了密码短语。
codephrase-unknown-word = 第 { $position } 个词不在密码短语词表中。请检查拼写。

error-title = 出了点问题
error-back = 返回表格
error-csrf = 此表格已过期，或不是从本网站发送的。请返回，重新加载页面，然后再次发送。您的浏览器可能保留了您输入的内容。
error-too-large = 您的文件太大。总计上限为 { $limit }。请删除部分文件或缩小文件，然后重新发送。
error-bad-form = 无法读取表格：{ $detail }。请返回并再次发送。
error-field-too-long = 栏目“{ $field }”太长。请缩短后重新发送。
error-bad-answer = 用于分发报告的某个回答无效。请返回，从列表中选择，然后再次发送。
error-rate-limited = 尝试次数过多。请等待 { $seconds } 秒后重试。
error-busy = 此刻有许多报告同时到达，您的报告尚未发送。没有保存任何内容。请返回，等待 { $seconds } 秒后再次发送。
error-honeypot = 一个本应留空的栏目被填写了，因此报告未发送。可能是您的浏览器自动填写了它。请返回，清空标有“请将此栏留空”的栏目，然后再次发送。
honeypot-label = 请将此栏留空
error-not-found = 此页面不存在。
error-method = 此地址不接受这类请求。
error-content-type = 表格以本页面无法读取的格式发送。请使用本网站上的表格。
error-followup-expired = 此页面已过时，无法从这里发送信息。请用您的密码短语重新打开报告，然后再发送。
error-consent-used = 此表格已经发送过一次。如需再次更改您的选择，请用您的密码短语重新打开报告。
error-followup-used = 此表格已经发送过一次；您的信息没有被重复添加。如需补充更多信息，请用您的密码短语重新打开报告。
error-followup-empty = 没有可发送的内容。请写点什么或添加一个文件。
error-unavailable = 服务暂时无法保存您的报告。没有保存任何内容。请几分钟后重试。
error-unavailable-read = 服务暂时无法访问其记录。没有更改任何内容。请几分钟后重试。

## Public statistics

stats-site-name = Safehold 统计
stats-skip-to-content = 跳至正文
stats-nav-releases = 统计发布
stats-about-title = 这些数字如何保护个人
stats-unavailable = 暂时无法读取统计数据。请稍后重试。
stats-not-found = 没有这次发布。发布列表位于 /stats。
stats-csv = CSV
stats-json = JSON
stats-protection-noise = 随机噪声（差分隐私），ε 合计为 { $epsilon }
stats-protection-none = 无噪声：小数字被隐藏，其余数字经过取整
stats-index-title = 统计发布
stats-index-intro = 本服务收到并经个案工作人员编码的报告中，针对在人权领域与联合国合作者的报复和恐吓行为。每次发布涵盖一个已结束的年度，只计算一次，此后绝不更改。
stats-index-about-link = 这些数字如何保护个人。
stats-index-none = 尚未发布任何统计。
stats-index-period = 期间
stats-index-published = 发布日期
stats-index-protection = 保护方式
stats-index-data = 数据
stats-period-range = { $start } 至 { $end }
stats-release-title = { $start } 至 { $end } 的统计发布
stats-release-heading = 统计发布：{ $start } 至 { $end }
stats-release-published = 发布于 { $day }。
stats-release-download = 下载：
stats-release-once = 每个人在每张表中最多计算一次。
stats-release-noise = 下列每个数字都含有随机整数噪声（差分隐私；本次发布消耗了隐私预算中的 ε { $epsilon }）。小于 { $threshold } 的数字显示为“<{ $threshold }”。
stats-release-no-noise = 本次发布不含随机噪声。小数字被隐藏（显示为“x”），另有一些数字也被隐藏，以免从总数中推算出任何被隐藏的数字；其余数字取整为 5 的倍数。
stats-table-noise = 噪声尺度 { $scale }（ε { $epsilon }）：十次中有九次，真实数字与所示数字相差不超过 { $interval }。
stats-table-no-noise = 无噪声：被隐藏的数字标为 x；显示的数字取整为 5 的倍数。
stats-chart-empty = 本表中没有足够大的数字可以绘图。
stats-chart-row-totals = 各行合计以数字显示；被隐藏的数字和小数字不绘制。
stats-chart-figures = 各项数字以数值显示；被隐藏的数字和小数字不绘制。
stats-table-count = 数量
stats-table-total = 合计
stats-about-intro = 在这里报告的人因与联合国合作而遭受了报复。实施报复的国家已经知道自己做了什么。如果我们公布一个确切数字，例如“3 月份 X 国有一起禁止出行事件”，该国就会知道受害者进行了报告。这些数字的编制方式确保无法从中单独识别出任何人。
stats-about-counted = 统计哪些内容
stats-about-counted-consent = 只统计报告人同意纳入匿名化统计的事件。
stats-about-counted-assessed = 只统计个案工作人员已经评估过的指控：{ $statuses }。新报告不计入。
stats-about-counted-once = 每个人在每张表、每一年中最多计算一次，并只归入一个类别：在一份从最严重到最不严重排列的固定列表中，其所有代码里排在最前面的那一个。
stats-about-counted-never = 姓名、确切日期、国家内部的地点、性别和年龄从不统计。
stats-about-fixed = 固定的表、固定的列表、完整的年度
# $month is the English name of the month the year starts in, from the server.
stats-about-period = 从{ $month ->
        [January] 1月
        [February] 2月
        [March] 3月
        [April] 4月
        [May] 5月
        [June] 6月
        [July] 7月
        [August] 8月
        [September] 9月
        [October] 10月
        [November] 11月
        [December] 12月
       *[other] { $month }
    }1日起，至次年同一日期的前一天
stats-about-noise = 随机噪声
stats-about-dp-lead = 这就是
stats-about-dp-term = 差分隐私
stats-about-dp-text = 。它的强度用一个数字 ε（epsilon）表示：越小，保护越强。每次发布都会消耗一部分 ε；可消耗的总量固定为 { $lifetime }，并有一本账簿记录每次发布。总量用完后，就不再发布。
stats-about-without = 无噪声
stats-about-without-text = 如果某次发布不加噪声，则小于 { $below } 的每个数字都会被隐藏（显示为“x”），必要时还会隐藏更多数字，以免从总数中推算出被隐藏的数字，其余数字取整为 { $base } 的倍数。这样的发布会在其页面上注明。

consent-change-heading = 我们可以如何处理您的报告？
consent-change-help = 这些是您目前的选择。您可以随时更改：您撤回某项选择后，撤回立即适用于尚未发送或发布的任何内容。个案工作人员会被告知您的选择有变化，但不会被告知如何变化。
consent-change-submit = 保存我的选择
consent-saved-title = 您的选择已保存
consent-saved-text = 从现在起，您的报告只会按照您的选择使用。个案工作人员会被告知您的选择有变化。

## Error summary
# Heading of the box at the top of a form that lists each problem as a link to its field.

error-summary-title = 出现问题

## Browser code
# Messages only the page's script shows.

js-connection-failed = 无法发送：与服务器的连接失败。没有保存任何内容。请检查您的网络连接，然后重试。

## Statistics (issue 16)
## Releases with a headline total measured on its own, breakdowns fitted to it, every figure
## with its 90% interval, and countries shown only over a threshold.

stats-release-noise-intervals = 下列每个数字都是真实数字加上随机整数噪声（差分隐私；本次发布消耗了隐私预算中的 ε { $epsilon }）。每个数字都附有其 90% 区间：十次中至少有九次，真实数字落在这一范围内。区间达到 0 时，真实数字可能为零。各项细分经过调整，使其加总等于总数；总数单独测量。
stats-headline = 受害者总数：{ $total }（90% 区间：{ $low } 至 { $high }）。
stats-headline-may-be-zero = 受害者总数：{ $total }（90% 区间：{ $low } 至 { $high }；真实人数可能为零）。
stats-tiny-sample = 本次发布统计的人数很少（约 { $total } 人）。各项细分需要总数至少达到 { $needed }，才能把各类别与噪声区分开：请引用总数及其区间，并把各项细分主要视为噪声。
stats-table-noise-intervals = 噪声尺度 { $scale }（ε { $epsilon }）。每个数字的 90% 区间是测得的数字加减 { $interval }；在 { $coverage } 的情况下，它包含真实数字。总数即上文的总数，有其自己的区间。
stats-table-noise-threshold = 噪声尺度 { $scale }（ε { $epsilon }）。一个国家之所以显示，是因为其测得的数字达到了阈值，因此其 90% 区间考虑到了可能把它推高的噪声：刚过阈值时，区间下限为 0（该国可能没有任何受害者）；远高于阈值时，区间为测得的数字加减 { $interval }。对于至少 90% 的所显示国家，区间包含真实数字。
stats-table-interval = 90% 区间
stats-interval = { $low } 至 { $high }
stats-interval-may-be-zero = { $low } 至 { $high }：可能为零
stats-threshold = 只显示加噪后数字至少为 { $threshold } 的国家。在这一阈值下，即使列表上所有国家（共 { $categories } 个）的真实数字均为零，一个完全没有受害者的国家最多也只会在 { $rate } 的发布中偶然出现。低于阈值的国家（共 { $hidden } 个）不予显示：这并不意味着它们没有受害者。
stats-chart-intervals = 条形表示公布的数字；条形末端的黑线表示 90% 区间。
stats-chart-title = { $title }：条形图
stats-chart-desc = 共 { $count } 个数字，每个都附有其 90% 区间：{ $figures }。
stats-chart-figure-interval = { $label }：{ $value }（{ $low } 至 { $high }）
stats-chart-figure = { $label }：{ $value }
stats-about-fixed-text-thresholds = 各表事先确定，此外没有其他表，每次发布都会列出。各类别来自固定的公开列表（全部 { $countries } 个联合国会员国和观察员国，外加“其他”；联合国区域组；报复行为类别和联合国机制类别），因此表的形状不会透露任何信息。类别较少的细分会显示每个类别，包括零。只有当某国加噪后的数字超过阈值时才会显示该国；阈值的选择使一个没有受害者的国家最多只会在 { $rate } 的发布中偶然出现；未显示的国家也可能有受害者。数字涵盖完整的年度（{ $period }），在年度结束后只计算一次，此后绝不重新计算或更正。
stats-about-noise-text-intervals = 每个公布的数字都是真实数字加上一个随机整数，该随机整数由服务器的安全随机数生成器抽取（“离散拉普拉斯”分布）。细小的变化，例如多一个人或少一个人，会被噪声掩盖；大的规律仍然可见。每个数字都与其 90% 区间一同公布，该区间根据这一分布精确计算：十次中至少有九次，真实数字落在区间之内。总数单独测量，各项细分经过调整（不查看任何真实数字），使其加总等于总数。
