# ruff: noqa: RUF001  (text in many scripts on purpose)
"""Word lists and sentence templates behind :mod:`dedup.testing` (original text).

Each script has the same parts: subjects, verbs (each with a synonym of similar length),
objects, place phrases (holding a proper name), time phrases, sentences a body paragraph
can use (``{n}`` is a number slot), attributions, long tails that make captions in
scripts without spaces long enough for near-duplicate matching, a question word, a
summary heading and person names for templated lines. Everything here was written for
this project; none of it is taken from any article.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["SCRIPTS", "Script"]


@dataclass(frozen=True)
class Script:
    """The vocabulary and word order of one script."""

    name: str
    spaced: bool
    subjects: tuple[str, ...]
    verbs: tuple[tuple[str, str], ...]
    objects: tuple[str, ...]
    places: tuple[str, ...]
    times: tuple[str, ...]
    sentences: tuple[str, ...]
    attributions: tuple[str, ...]
    tails: tuple[str, ...]
    question: str
    summary_heading: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    named_line: str
    full_stop: str
    comma: str
    question_mark: str
    dash: str

    def caption(self, subject: str, verb: str, obj: str, place: str, time: str) -> str:
        """A caption (no final full stop) in this script's word order."""
        if self.name == "chinese":
            return f"{time}，{subject}在{place}{verb}{obj}"
        if self.name == "japanese":
            return f"{time}、{place}で{subject}が{obj}を{verb}"
        return f"{_upper_first(subject)} {verb} {obj} {place} {time}"

    def join(self, sentences: list[str]) -> str:
        """Sentences joined into one paragraph."""
        return ("" if not self.spaced else " ").join(sentences)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


LATIN: Final = Script(
    name="latin",
    spaced=True,
    subjects=(
        "residents",
        "volunteers",
        "firefighters",
        "farmers",
        "students",
        "nurses",
        "fishermen",
        "teachers",
        "rescue workers",
        "market traders",
        "bus drivers",
        "city workers",
    ),
    verbs=(
        ("carry", "haul"),
        ("clear", "clean up"),
        ("inspect", "check"),
        ("repair", "mend"),
        ("unload", "offload"),
        ("gather", "collect"),
        ("stack", "pile up"),
        ("sort through", "go through"),
    ),
    objects=(
        "sandbags",
        "fallen branches",
        "broken windows",
        "fishing nets",
        "food parcels",
        "wooden crates",
        "the damaged roof",
        "the flooded cellar",
        "bags of rice",
        "old bicycles",
        "the harbour wall",
        "street signs",
    ),
    places=(
        "in Port Ellery",
        "near Harwick station",
        "outside the Quay Street market",
        "on the banks of the Morrow river",
        "in the old town of Lindqvist",
        "at Caldera Bay",
        "near the Brenner bridge",
        "in central Ostrava",
    ),
    times=(
        "on Sunday",
        "on Monday morning",
        "after the storm",
        "before dawn",
        "late on Friday",
        "during the floods",
        "on 12 May",
        "at noon",
    ),
    sentences=(
        "Ferries to the islands were cancelled for {n} days in a row.",
        "The regional weather office measured gusts of up to {n} km/h overnight.",
        "Insurers expect more than {n} claims from the coastal villages.",
        "Repairs to the sea wall could take until the summer, engineers warned.",
        "The council has opened two shelters for families who had to leave their homes.",
        "Schools in the district will stay closed until the water has gone down.",
        "About {n} homes were still without power by the evening.",
        "Volunteers have been handing out hot meals from a tent beside the town hall.",
    ),
    attributions=(
        "the council said",
        "officials confirmed",
        "according to the police",
        "a spokeswoman said",
    ),
    tails=(
        "as the clean-up enters its third day",
        "while the river is still rising",
        "a week after the worst floods in decades",
    ),
    question="Why do",
    summary_heading="Key facts at a glance",
    first_names=("Olesya", "Oksana", "Marta", "Ingrid", "Tomas", "Pavel"),
    last_names=("Brandt", "Quint", "Moreau", "Halloran"),
    named_line="The harbour board elected {name} as its new chair on Sunday evening.",
    full_stop=".",
    comma=",",
    question_mark="?",
    dash=" \u2014 ",
)

CYRILLIC: Final = Script(
    name="cyrillic",
    spaced=True,
    subjects=(
        "жители",
        "волонтёры",
        "пожарные",
        "фермеры",
        "студенты",
        "рыбаки",
        "учителя",
        "спасатели",
    ),
    verbs=(
        ("несут", "тащат"),
        ("убирают", "вывозят"),
        ("проверяют", "осматривают"),
        ("ремонтируют", "починяют"),
        ("разгружают", "выгружают"),
        ("собирают", "подбирают"),
    ),
    objects=(
        "мешки с песком",
        "упавшие ветки",
        "разбитые окна",
        "рыбацкие сети",
        "продуктовые наборы",
        "деревянные ящики",
        "повреждённую крышу",
        "затопленный подвал",
    ),
    places=(
        "в порту Эллери",
        "возле станции Харвик",
        "на набережной реки Морроу",
        "в старом городе Линдквист",
        "у моста Бреннер",
        "в центре Остравы",
    ),
    times=(
        "в воскресенье",
        "в понедельник утром",
        "после шторма",
        "до рассвета",
        "поздно вечером в пятницу",
        "во время наводнения",
        "12 мая",
    ),
    sentences=(
        "Паромы на острова отменены уже {n} день подряд.",
        "Метеослужба зафиксировала порывы ветра до {n} км/ч.",
        "Страховщики ожидают более {n} заявлений из прибрежных сёл.",
        "Ремонт набережной может занять всё лето, предупредили инженеры.",
        "Власти открыли два пункта временного размещения для семей.",
        "Школы района будут закрыты, пока вода не спадёт.",
        "К вечеру без света оставались около {n} домов.",
    ),
    attributions=(
        "сообщили в администрации",
        "подтвердили чиновники",
        "заявили в полиции",
        "сказала представительница мэрии",
    ),
    tails=(
        "уже третий день подряд",
        "пока уровень воды продолжает расти",
        "через неделю после сильнейшего наводнения",
    ),
    question="Почему",
    summary_heading="Главное о наводнении",
    first_names=("Олеся", "Оксана", "Марта", "Ирина", "Тимур", "Павел"),
    last_names=("Брандт", "Квинт", "Морозова", "Галкина"),
    named_line="Совет порта избрал {name} новым председателем в воскресенье вечером.",
    full_stop=".",
    comma=",",
    question_mark="?",
    dash=" \u2014 ",
)

GREEK: Final = Script(
    name="greek",
    spaced=True,
    subjects=(
        "κάτοικοι",
        "εθελοντές",
        "πυροσβέστες",
        "αγρότες",
        "φοιτητές",
        "ψαράδες",
        "δάσκαλοι",
        "διασώστες",
    ),
    verbs=(
        ("μεταφέρουν", "κουβαλούν"),
        ("καθαρίζουν", "σκουπίζουν"),
        ("ελέγχουν", "εξετάζουν"),
        ("επισκευάζουν", "διορθώνουν"),
        ("ξεφορτώνουν", "κατεβάζουν"),
        ("μαζεύουν", "συλλέγουν"),
    ),
    objects=(
        "σακιά με άμμο",
        "πεσμένα κλαδιά",
        "σπασμένα παράθυρα",
        "δίχτυα ψαρέματος",
        "δέματα τροφίμων",
        "ξύλινα κιβώτια",
        "την κατεστραμμένη στέγη",
        "το πλημμυρισμένο υπόγειο",
    ),
    places=(
        "στο λιμάνι του Έλερι",
        "κοντά στον σταθμό Χάργουικ",
        "στην αγορά της οδού Κέι",
        "στις όχθες του ποταμού Μόρου",
        "στην παλιά πόλη Λίντκβιστ",
        "κοντά στη γέφυρα Μπρένερ",
    ),
    times=(
        "την Κυριακή",
        "τη Δευτέρα το πρωί",
        "μετά την καταιγίδα",
        "πριν από την αυγή",
        "αργά την Παρασκευή",
        "κατά τις πλημμύρες",
        "στις 12 Μαΐου",
    ),
    sentences=(
        "Τα δρομολόγια προς τα νησιά ακυρώθηκαν για {n}η συνεχή μέρα.",
        "Η μετεωρολογική υπηρεσία κατέγραψε ριπές έως {n} χιλιόμετρα την ώρα.",
        "Οι ασφαλιστές περιμένουν πάνω από {n} αιτήσεις αποζημίωσης.",
        "Η επισκευή του λιμενοβραχίονα μπορεί να κρατήσει ως το καλοκαίρι.",
        "Ο δήμος άνοιξε δύο χώρους φιλοξενίας για τις οικογένειες.",
        "Τα σχολεία της περιοχής θα μείνουν κλειστά μέχρι να υποχωρήσουν τα νερά.",
        "Περίπου {n} σπίτια ήταν ακόμη χωρίς ρεύμα το βράδυ.",
    ),
    attributions=(
        "ανακοίνωσε ο δήμος",
        "επιβεβαίωσαν αξιωματούχοι",
        "σύμφωνα με την αστυνομία",
        "είπε εκπρόσωπος του δήμου",
    ),
    tails=(
        "την τρίτη μέρα του καθαρισμού",
        "ενώ η στάθμη του ποταμού ανεβαίνει",
        "μία εβδομάδα μετά τις χειρότερες πλημμύρες",
    ),
    question="Γιατί",
    summary_heading="Τα βασικά σημεία της ημέρας",
    first_names=("Ελένη", "Αθηνά", "Μαρία", "Σοφία", "Νίκος", "Πέτρος"),
    last_names=("Παππάς", "Κωστάκη", "Δημητρίου", "Ιωάννου"),
    named_line="Το λιμενικό ταμείο εξέλεξε την {name} νέα πρόεδρο την Κυριακή το βράδυ.",
    full_stop=".",
    comma=",",
    question_mark=";",
    dash=" \u2014 ",
)

ARABIC: Final = Script(
    name="arabic",
    spaced=True,
    subjects=(
        "السكان",
        "المتطوعون",
        "رجال الإطفاء",
        "المزارعون",
        "الطلاب",
        "الصيادون",
        "المعلمون",
        "عمال الإنقاذ",
    ),
    verbs=(
        ("يحملون", "ينقلون"),
        ("ينظفون", "يزيلون"),
        ("يفحصون", "يتفقدون"),
        ("يصلحون", "يرممون"),
        ("يفرغون", "ينزلون"),
        ("يجمعون", "يلمون"),
    ),
    objects=(
        "أكياس الرمل",
        "الأغصان المتساقطة",
        "النوافذ المكسورة",
        "شباك الصيد",
        "الطرود الغذائية",
        "الصناديق الخشبية",
        "السقف المتضرر",
        "القبو المغمور",
    ),
    places=(
        "في ميناء إيلري",
        "قرب محطة هارويك",
        "في سوق شارع كاي",
        "على ضفاف نهر مورو",
        "في البلدة القديمة لينكفيست",
        "قرب جسر برينر",
    ),
    times=(
        "يوم الأحد",
        "صباح الاثنين",
        "بعد العاصفة",
        "قبل الفجر",
        "في وقت متأخر من يوم الجمعة",
        "خلال الفيضانات",
        "في 12 مايو",
    ),
    sentences=(
        "ألغيت رحلات العبارات إلى الجزر لليوم {n} على التوالي.",
        "سجلت دائرة الأرصاد رياحا بلغت سرعتها {n} كيلومترا في الساعة.",
        "تتوقع شركات التأمين أكثر من {n} مطالبة من القرى الساحلية.",
        "قد يستغرق إصلاح السور البحري حتى الصيف بحسب المهندسين.",
        "فتحت البلدية مركزين لإيواء العائلات التي غادرت منازلها.",
        "ستبقى مدارس المنطقة مغلقة حتى تنحسر المياه.",
        "بقي نحو {n} منزل من دون كهرباء حتى المساء.",
    ),
    attributions=(
        "بحسب البلدية",
        "كما أكد المسؤولون",
        "وفقا للشرطة",
        "كما قالت متحدثة باسم البلدية",
    ),
    tails=(
        "في اليوم الثالث من أعمال التنظيف",
        "بينما يواصل منسوب النهر الارتفاع",
        "بعد أسبوع من أسوأ فيضانات منذ عقود",
    ),
    question="لماذا",
    summary_heading="أبرز الحقائق في سطور",
    first_names=("ليلى", "سارة", "مريم", "هدى", "كريم", "سامي"),
    last_names=("حداد", "منصور", "خوري", "نصار"),
    named_line="انتخب مجلس الميناء {name} رئيسا جديدا له مساء يوم الأحد.",
    full_stop=".",
    comma="،",
    question_mark="؟",
    dash=" - ",
)

CHINESE: Final = Script(
    name="chinese",
    spaced=False,
    subjects=("居民", "志愿者", "消防员", "农民", "学生", "渔民", "教师", "救援人员"),
    verbs=(
        ("搬运", "运送"),
        ("清理", "打扫"),
        ("检查", "查看"),
        ("修理", "修复"),
        ("卸下", "卸载"),
        ("收集", "收拾"),
    ),
    objects=(
        "沙袋",
        "倒下的树枝",
        "破碎的窗户",
        "渔网",
        "食品包裹",
        "木箱",
        "受损的屋顶",
        "被淹的地下室",
    ),
    places=(
        "埃勒里港",
        "哈维克车站附近",
        "码头街市场",
        "莫罗河岸边",
        "林德奎斯特老城",
        "布伦纳桥附近",
    ),
    times=("周日", "周一上午", "暴风雨过后", "黎明前", "周五深夜", "洪水期间", "5月12日"),
    sentences=(
        "前往各岛屿的渡轮已连续{n}天停航。",
        "气象部门记录到的最大阵风达到每小时{n}公里。",
        "保险公司预计将收到超过{n}份来自沿海村庄的理赔申请。",
        "工程师警告说，海堤的修复工作可能要持续到夏天。",
        "市政府为被迫离家的家庭开放了两处临时安置点。",
        "在洪水退去之前，当地学校将继续停课。",
        "到傍晚时仍有约{n}户人家没有电。",
    ),
    attributions=("市政府表示", "官员证实", "警方称", "一名女发言人说"),
    tails=(
        "这已经是清理工作开始后的第三天，许多街道仍然被泥浆覆盖",
        "与此同时河水仍在上涨，当局呼吁沿岸居民暂时投靠亲友",
        "距离当地几十年来最严重的洪水已经过去整整一个星期",
        "附近的商店老板说他们从来没有见过这么高的水位",
        "市政府已经向受灾家庭发放了毛毯、饮用水和热的饭菜",
        "铁路部门表示通往港口的线路最早要到下个月才能恢复",
    ),
    question="为什么",
    summary_heading="要点速览：洪水过后",
    first_names=("李娜", "王芳", "张伟", "刘洋"),
    last_names=("",),
    named_line="港务委员会周日晚上选举{name}为新任主席。",
    full_stop="。",
    comma="，",
    question_mark="？",
    dash="——",
)

JAPANESE: Final = Script(
    name="japanese",
    spaced=False,
    subjects=("住民", "ボランティア", "消防士", "農家", "学生", "漁師", "教師", "救助隊"),
    verbs=(
        ("運んでいる", "運搬している"),
        ("片付けている", "掃除している"),
        ("点検している", "確認している"),
        ("修理している", "修繕している"),
        ("降ろしている", "下ろしている"),
        ("集めている", "拾っている"),
    ),
    objects=(
        "土のう",
        "倒れた枝",
        "割れた窓",
        "漁網",
        "食料の包み",
        "木箱",
        "壊れた屋根",
        "浸水した地下室",
    ),
    places=(
        "エラリー港",
        "ハーウィック駅の近く",
        "キー通りの市場",
        "モロー川の岸辺",
        "リンドクヴィスト旧市街",
        "ブレナー橋の近く",
    ),
    times=("日曜日", "月曜日の朝", "嵐の後", "夜明け前", "金曜日の深夜", "洪水の間", "5月12日"),
    sentences=(
        "島へ向かうフェリーは{n}日連続で欠航となった。",
        "気象台は最大で秒速{n}メートルの突風を観測した。",
        "保険会社は沿岸の村から{n}件を超える請求を見込んでいる。",
        "技術者によると、防波堤の修復は夏までかかる可能性がある。",
        "市は自宅を離れた家族のために二か所の避難所を開設した。",
        "水が引くまで地区の学校は休校が続く。",
        "夕方の時点で約{n}世帯が停電したままだった。",
    ),
    attributions=(
        "と市が発表した",
        "と当局者が確認した",
        "と警察が明らかにした",
        "と市の広報担当者が話した",
    ),
    tails=(
        "片付けが始まってから三日目となり、多くの通りはまだ泥に覆われている",
        "川の水位は今も上がり続けており、市は沿岸の住民に注意を呼びかけている",
        "この数十年で最悪の洪水からちょうど一週間が過ぎた",
        "近くの商店主はこれほど高い水位は見たことがないと話している",
        "市は被災した家族に毛布や飲み水、温かい食事を配っている",
        "鉄道会社によると、港へ向かう路線の再開は早くても来月になる",
    ),
    question="なぜ",
    summary_heading="ポイント：洪水から一週間",
    first_names=("佐藤花子", "鈴木一郎", "高橋美咲", "田中健太"),
    last_names=("",),
    named_line="港湾委員会は日曜日の夜、{name}さんを新しい委員長に選んだ。",
    full_stop="。",
    comma="、",
    question_mark="？",
    dash="――",
)

SCRIPTS: Final[dict[str, Script]] = {
    s.name: s for s in (LATIN, CYRILLIC, GREEK, ARABIC, CHINESE, JAPANESE)
}
"""Every script the strategies can write, by name."""
