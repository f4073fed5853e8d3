// The built-in part-of-speech task: short, varied English sentences, LABELLED BY HAND with
// Universal Dependencies v2 POS tags, following the English Web Treebank's conventions (copulas
// and auxiliaries are AUX, possessive pronouns PRON, phrasal-verb particles ADP, possessive 's
// PART, existential "there" PRON). One sentence a line, each word written word/TAG; no tagger.
// `scripts/make-pos-dataset.ts` writes the same data to data/pos-sentences.json for other tools.
import type { LabelledDataset } from './dataset.js';

/** The Universal POS tags this task uses, in the order figures list them. */
export const UPOS_TAGS = ['NOUN', 'PROPN', 'PRON', 'VERB', 'AUX', 'ADJ', 'ADV', 'DET', 'ADP', 'NUM', 'CCONJ', 'SCONJ', 'PART', 'INTJ', 'SYM', 'PUNCT'];

const TAGGED = `
The/DET cat/NOUN sat/VERB on/ADP the/DET mat/NOUN ./PUNCT
A/DET small/ADJ dog/NOUN barked/VERB at/ADP the/DET mail/NOUN carrier/NOUN ./PUNCT
She/PRON reads/VERB a/DET book/NOUN every/DET night/NOUN ./PUNCT
We/PRON walked/VERB slowly/ADV to/ADP the/DET old/ADJ bridge/NOUN ./PUNCT
The/DET children/NOUN are/AUX playing/VERB in/ADP the/DET garden/NOUN ./PUNCT
My/PRON brother/NOUN lives/VERB in/ADP Chicago/PROPN ./PUNCT
They/PRON bought/VERB three/NUM apples/NOUN and/CCONJ two/NUM pears/NOUN ./PUNCT
It/PRON was/AUX very/ADV cold/ADJ yesterday/NOUN ./PUNCT
Please/INTJ close/VERB the/DET door/NOUN ./PUNCT
The/DET train/NOUN leaves/VERB at/ADP noon/NOUN ./PUNCT
He/PRON did/AUX not/PART see/VERB the/DET sign/NOUN ./PUNCT
Birds/NOUN fly/VERB south/ADV in/ADP the/DET winter/NOUN ./PUNCT
Our/PRON teacher/NOUN gave/VERB us/PRON a/DET difficult/ADJ test/NOUN ./PUNCT
I/PRON want/VERB to/PART learn/VERB French/PROPN ./PUNCT
The/DET river/NOUN flows/VERB quietly/ADV through/ADP the/DET valley/NOUN ./PUNCT
Can/AUX you/PRON help/VERB me/PRON ?/PUNCT
Maria/PROPN painted/VERB the/DET fence/NOUN blue/ADJ ./PUNCT
The/DET soup/NOUN smells/VERB wonderful/ADJ ./PUNCT
Nobody/PRON answered/VERB the/DET phone/NOUN ./PUNCT
Oh/INTJ ,/PUNCT I/PRON forgot/VERB my/PRON keys/NOUN !/PUNCT
The/DET meeting/NOUN will/AUX start/VERB at/ADP nine/NUM ./PUNCT
Tom/PROPN and/CCONJ Anna/PROPN visited/VERB their/PRON grandparents/NOUN ./PUNCT
This/DET coffee/NOUN is/AUX too/ADV hot/ADJ ./PUNCT
She/PRON quickly/ADV wrote/VERB a/DET short/ADJ letter/NOUN ./PUNCT
The/DET museum/NOUN opens/VERB on/ADP Monday/PROPN ./PUNCT
We/PRON have/AUX lived/VERB here/ADV for/ADP ten/NUM years/NOUN ./PUNCT
If/SCONJ it/PRON rains/VERB ,/PUNCT we/PRON will/AUX stay/VERB inside/ADV ./PUNCT
The/DET baby/NOUN slept/VERB because/SCONJ she/PRON was/AUX tired/ADJ ./PUNCT
Those/DET shoes/NOUN look/VERB expensive/ADJ ./PUNCT
He/PRON plays/VERB the/DET piano/NOUN beautifully/ADV ./PUNCT
The/DET store/NOUN sells/VERB fresh/ADJ bread/NOUN and/CCONJ milk/NOUN ./PUNCT
I/PRON often/ADV drink/VERB tea/NOUN in/ADP the/DET morning/NOUN ./PUNCT
The/DET students/NOUN finished/VERB their/PRON project/NOUN early/ADV ./PUNCT
Where/ADV did/AUX you/PRON park/VERB the/DET car/NOUN ?/PUNCT
A/DET strong/ADJ wind/NOUN knocked/VERB down/ADP the/DET tree/NOUN ./PUNCT
The/DET movie/NOUN was/AUX long/ADJ but/CCONJ interesting/ADJ ./PUNCT
Paris/PROPN is/AUX the/DET capital/NOUN of/ADP France/PROPN ./PUNCT
She/PRON has/AUX never/ADV seen/VERB the/DET ocean/NOUN ./PUNCT
The/DET dog/NOUN 's/PART tail/NOUN wagged/VERB happily/ADV ./PUNCT
Five/NUM people/NOUN waited/VERB outside/ADP the/DET bank/NOUN ./PUNCT
My/PRON sister/NOUN works/VERB at/ADP a/DET hospital/NOUN ./PUNCT
The/DET sun/NOUN rises/VERB in/ADP the/DET east/NOUN ./PUNCT
They/PRON laughed/VERB at/ADP the/DET silly/ADJ joke/NOUN ./PUNCT
He/PRON should/AUX call/VERB his/PRON mother/NOUN ./PUNCT
The/DET old/ADJ man/NOUN fed/VERB the/DET pigeons/NOUN ./PUNCT
We/PRON need/VERB some/DET eggs/NOUN for/ADP the/DET cake/NOUN ./PUNCT
The/DET lights/NOUN went/VERB out/ADP suddenly/ADV ./PUNCT
Is/AUX this/DET seat/NOUN free/ADJ ?/PUNCT
The/DET company/NOUN hired/VERB twenty/NUM new/ADJ workers/NOUN ./PUNCT
I/PRON think/VERB that/SCONJ he/PRON is/AUX right/ADJ ./PUNCT
The/DET flowers/NOUN bloom/VERB in/ADP spring/NOUN ./PUNCT
Sam/PROPN carefully/ADV opened/VERB the/DET box/NOUN ./PUNCT
The/DET library/NOUN closes/VERB at/ADP eight/NUM ./PUNCT
Everyone/PRON enjoyed/VERB the/DET concert/NOUN ./PUNCT
The/DET road/NOUN was/AUX wet/ADJ and/CCONJ slippery/ADJ ./PUNCT
She/PRON gave/VERB the/DET cat/NOUN some/DET milk/NOUN ./PUNCT
We/PRON must/AUX leave/VERB now/ADV ./PUNCT
The/DET boy/NOUN kicked/VERB the/DET ball/NOUN over/ADP the/DET wall/NOUN ./PUNCT
Tokyo/PROPN is/AUX a/DET huge/ADJ city/NOUN ./PUNCT
He/PRON quietly/ADV closed/VERB the/DET window/NOUN ./PUNCT
The/DET farmer/NOUN grows/VERB corn/NOUN and/CCONJ wheat/NOUN ./PUNCT
I/PRON lost/VERB my/PRON umbrella/NOUN on/ADP the/DET bus/NOUN ./PUNCT
The/DET test/NOUN was/AUX easier/ADJ than/ADP the/DET last/ADJ one/NOUN ./PUNCT
Why/ADV are/AUX you/PRON late/ADJ ?/PUNCT
The/DET waiter/NOUN brought/VERB our/PRON food/NOUN ./PUNCT
Many/ADJ tourists/NOUN visit/VERB Rome/PROPN every/DET summer/NOUN ./PUNCT
She/PRON sings/VERB in/ADP a/DET choir/NOUN ./PUNCT
The/DET glass/NOUN fell/VERB and/CCONJ broke/VERB ./PUNCT
We/PRON watched/VERB a/DET film/NOUN last/ADJ night/NOUN ./PUNCT
The/DET kitten/NOUN chased/VERB a/DET ball/NOUN of/ADP yarn/NOUN ./PUNCT
He/PRON is/AUX reading/VERB the/DET newspaper/NOUN ./PUNCT
The/DET mountains/NOUN were/AUX covered/VERB with/ADP snow/NOUN ./PUNCT
I/PRON will/AUX send/VERB you/PRON the/DET photos/NOUN tomorrow/NOUN ./PUNCT
The/DET doctor/NOUN examined/VERB the/DET patient/NOUN carefully/ADV ./PUNCT
Our/PRON neighbors/NOUN have/VERB two/NUM dogs/NOUN ./PUNCT
The/DET bread/NOUN is/AUX still/ADV warm/ADJ ./PUNCT
They/PRON arrived/VERB late/ADV because/SCONJ of/ADP the/DET traffic/NOUN ./PUNCT
Lisa/PROPN speaks/VERB English/PROPN and/CCONJ Spanish/PROPN ./PUNCT
The/DET plane/NOUN landed/VERB safely/ADV ./PUNCT
What/PRON did/AUX she/PRON say/VERB ?/PUNCT
A/DET bright/ADJ star/NOUN appeared/VERB in/ADP the/DET sky/NOUN ./PUNCT
He/PRON cleaned/VERB his/PRON room/NOUN yesterday/NOUN ./PUNCT
The/DET team/NOUN won/VERB the/DET final/ADJ game/NOUN ./PUNCT
Water/NOUN boils/VERB at/ADP one/NUM hundred/NUM degrees/NOUN ./PUNCT
We/PRON ate/VERB dinner/NOUN at/ADP a/DET small/ADJ restaurant/NOUN ./PUNCT
The/DET keys/NOUN are/AUX under/ADP the/DET table/NOUN ./PUNCT
She/PRON smiled/VERB at/ADP the/DET stranger/NOUN ./PUNCT
It/PRON costs/VERB $/SYM 20/NUM ./PUNCT
The/DET ticket/NOUN costs/VERB $/SYM 12/NUM ./PUNCT
I/PRON usually/ADV walk/VERB to/ADP work/NOUN ./PUNCT
The/DET wind/NOUN blew/VERB the/DET leaves/NOUN away/ADV ./PUNCT
Peter/PROPN 's/PART car/NOUN is/AUX red/ADJ ./PUNCT
The/DET cookies/NOUN taste/VERB sweet/ADJ ./PUNCT
Nobody/PRON knows/VERB the/DET answer/NOUN ./PUNCT
The/DET girl/NOUN drew/VERB a/DET picture/NOUN of/ADP a/DET horse/NOUN ./PUNCT
We/PRON could/AUX hear/VERB the/DET waves/NOUN ./PUNCT
The/DET shop/NOUN on/ADP the/DET corner/NOUN sells/VERB flowers/NOUN ./PUNCT
He/PRON always/ADV forgets/VERB his/PRON password/NOUN ./PUNCT
The/DET meeting/NOUN lasted/VERB two/NUM hours/NOUN ./PUNCT
Yes/INTJ ,/PUNCT I/PRON agree/VERB with/ADP you/PRON ./PUNCT
The/DET soldiers/NOUN marched/VERB across/ADP the/DET field/NOUN ./PUNCT
My/PRON phone/NOUN is/AUX broken/ADJ ./PUNCT
She/PRON planted/VERB tomatoes/NOUN in/ADP her/PRON garden/NOUN ./PUNCT
The/DET bus/NOUN was/AUX crowded/ADJ this/DET morning/NOUN ./PUNCT
They/PRON built/VERB a/DET new/ADJ school/NOUN in/ADP the/DET village/NOUN ./PUNCT
I/PRON could/AUX not/PART find/VERB my/PRON glasses/NOUN ./PUNCT
The/DET cat/NOUN hid/VERB under/ADP the/DET bed/NOUN ./PUNCT
He/PRON drives/VERB a/DET green/ADJ truck/NOUN ./PUNCT
The/DET clouds/NOUN moved/VERB slowly/ADV across/ADP the/DET sky/NOUN ./PUNCT
We/PRON celebrated/VERB her/PRON birthday/NOUN on/ADP Friday/PROPN ./PUNCT
The/DET teacher/NOUN asked/VERB a/DET simple/ADJ question/NOUN ./PUNCT
London/PROPN has/VERB many/ADJ parks/NOUN ./PUNCT
She/PRON was/AUX born/VERB in/ADP 1990/NUM ./PUNCT
The/DET horse/NOUN jumped/VERB over/ADP the/DET fence/NOUN ./PUNCT
I/PRON like/VERB this/DET song/NOUN very/ADV much/ADV ./PUNCT
The/DET children/NOUN built/VERB a/DET snowman/NOUN ./PUNCT
He/PRON left/VERB the/DET party/NOUN early/ADV ./PUNCT
The/DET milk/NOUN has/AUX gone/VERB sour/ADJ ./PUNCT
We/PRON should/AUX take/VERB a/DET short/ADJ break/NOUN ./PUNCT
The/DET artist/NOUN painted/VERB a/DET large/ADJ mural/NOUN ./PUNCT
Who/PRON broke/VERB the/DET vase/NOUN ?/PUNCT
The/DET lake/NOUN froze/VERB during/ADP the/DET night/NOUN ./PUNCT
They/PRON are/AUX waiting/VERB for/ADP the/DET bus/NOUN ./PUNCT
Emma/PROPN wrote/VERB a/DET poem/NOUN about/ADP the/DET sea/NOUN ./PUNCT
The/DET room/NOUN was/AUX dark/ADJ and/CCONJ quiet/ADJ ./PUNCT
I/PRON met/VERB an/DET old/ADJ friend/NOUN at/ADP the/DET station/NOUN ./PUNCT
The/DET engine/NOUN made/VERB a/DET strange/ADJ noise/NOUN ./PUNCT
She/PRON often/ADV visits/VERB her/PRON aunt/NOUN in/ADP Boston/PROPN ./PUNCT
The/DET puppy/NOUN chewed/VERB my/PRON shoe/NOUN ./PUNCT
We/PRON will/AUX meet/VERB again/ADV next/ADJ week/NOUN ./PUNCT
The/DET prices/NOUN are/AUX high/ADJ in/ADP this/DET city/NOUN ./PUNCT
He/PRON answered/VERB every/DET question/NOUN correctly/ADV ./PUNCT
The/DET students/NOUN listened/VERB to/ADP the/DET lecture/NOUN ./PUNCT
A/DET red/ADJ bird/NOUN landed/VERB on/ADP the/DET roof/NOUN ./PUNCT
My/PRON father/NOUN cooks/VERB dinner/NOUN on/ADP Sundays/PROPN ./PUNCT
The/DET computer/NOUN crashed/VERB again/ADV ./PUNCT
She/PRON wore/VERB a/DET long/ADJ black/ADJ dress/NOUN ./PUNCT
The/DET police/NOUN stopped/VERB the/DET car/NOUN ./PUNCT
I/PRON have/VERB a/DET question/NOUN for/ADP you/PRON ./PUNCT
The/DET ship/NOUN sailed/VERB toward/ADP the/DET island/NOUN ./PUNCT
When/ADV does/AUX the/DET store/NOUN open/VERB ?/PUNCT
The/DET cake/NOUN was/AUX delicious/ADJ ./PUNCT
They/PRON moved/VERB to/ADP Berlin/PROPN last/ADJ year/NOUN ./PUNCT
The/DET baby/NOUN cried/VERB all/DET night/NOUN ./PUNCT
He/PRON fixed/VERB the/DET bike/NOUN with/ADP a/DET wrench/NOUN ./PUNCT
Our/PRON garden/NOUN needs/VERB more/ADJ water/NOUN ./PUNCT
The/DET actor/NOUN forgot/VERB his/PRON lines/NOUN ./PUNCT
We/PRON sat/VERB near/ADP the/DET fire/NOUN ./PUNCT
The/DET book/NOUN on/ADP the/DET shelf/NOUN is/AUX mine/PRON ./PUNCT
She/PRON counted/VERB six/NUM ducks/NOUN in/ADP the/DET pond/NOUN ./PUNCT
The/DET storm/NOUN damaged/VERB several/ADJ houses/NOUN ./PUNCT
I/PRON really/ADV enjoy/VERB long/ADJ walks/NOUN ./PUNCT
The/DET guests/NOUN arrived/VERB before/ADP noon/NOUN ./PUNCT
He/PRON sold/VERB his/PRON old/ADJ guitar/NOUN ./PUNCT
The/DET water/NOUN in/ADP the/DET lake/NOUN is/AUX clear/ADJ ./PUNCT
They/PRON painted/VERB the/DET kitchen/NOUN yellow/ADJ ./PUNCT
Alice/PROPN found/VERB a/DET coin/NOUN on/ADP the/DET beach/NOUN ./PUNCT
The/DET lesson/NOUN begins/VERB at/ADP ten/NUM ./PUNCT
We/PRON did/AUX not/PART hear/VERB the/DET alarm/NOUN ./PUNCT
The/DET tall/ADJ tree/NOUN gives/VERB good/ADJ shade/NOUN ./PUNCT
She/PRON sent/VERB a/DET card/NOUN to/ADP her/PRON friend/NOUN ./PUNCT
The/DET fish/NOUN swam/VERB around/ADP the/DET rock/NOUN ./PUNCT
He/PRON looked/VERB tired/ADJ after/ADP the/DET race/NOUN ./PUNCT
The/DET town/NOUN has/VERB one/NUM small/ADJ hotel/NOUN ./PUNCT
I/PRON would/AUX like/VERB a/DET cup/NOUN of/ADP coffee/NOUN ./PUNCT
The/DET winner/NOUN received/VERB a/DET gold/NOUN medal/NOUN ./PUNCT
They/PRON danced/VERB until/ADP midnight/NOUN ./PUNCT
The/DET door/NOUN opened/VERB slowly/ADV ./PUNCT
My/PRON cousin/NOUN studies/VERB physics/NOUN in/ADP Madrid/PROPN ./PUNCT
The/DET dog/NOUN dug/VERB a/DET hole/NOUN in/ADP the/DET yard/NOUN ./PUNCT
We/PRON were/AUX happy/ADJ with/ADP the/DET results/NOUN ./PUNCT
The/DET chef/NOUN chopped/VERB the/DET onions/NOUN finely/ADV ./PUNCT
Hello/INTJ ,/PUNCT how/ADV are/AUX you/PRON ?/PUNCT
The/DET moon/NOUN shone/VERB over/ADP the/DET hills/NOUN ./PUNCT
He/PRON carried/VERB the/DET heavy/ADJ bags/NOUN upstairs/ADV ./PUNCT
The/DET museum/NOUN displays/VERB ancient/ADJ coins/NOUN ./PUNCT
She/PRON is/AUX taller/ADJ than/ADP her/PRON brother/NOUN ./PUNCT
The/DET workers/NOUN repaired/VERB the/DET road/NOUN quickly/ADV ./PUNCT
I/PRON found/VERB the/DET answer/NOUN in/ADP a/DET book/NOUN ./PUNCT
The/DET wolves/NOUN howled/VERB at/ADP the/DET moon/NOUN ./PUNCT
Our/PRON class/NOUN has/VERB thirty/NUM students/NOUN ./PUNCT
The/DET rain/NOUN stopped/VERB after/ADP an/DET hour/NOUN ./PUNCT
He/PRON will/AUX probably/ADV win/VERB the/DET prize/NOUN ./PUNCT
The/DET little/ADJ girl/NOUN hugged/VERB her/PRON teddy/NOUN bear/NOUN ./PUNCT
They/PRON sell/VERB cheap/ADJ tickets/NOUN online/ADV ./PUNCT
The/DET bridge/NOUN connects/VERB two/NUM towns/NOUN ./PUNCT
She/PRON answered/VERB the/DET letter/NOUN immediately/ADV ./PUNCT
The/DET bakery/NOUN opens/VERB very/ADV early/ADV ./PUNCT
I/PRON borrowed/VERB a/DET pen/NOUN from/ADP my/PRON neighbor/NOUN ./PUNCT
The/DET mouse/NOUN ran/VERB into/ADP a/DET hole/NOUN ./PUNCT
We/PRON planted/VERB four/NUM trees/NOUN behind/ADP the/DET house/NOUN ./PUNCT
The/DET film/NOUN ended/VERB with/ADP a/DET surprise/NOUN ./PUNCT
Her/PRON voice/NOUN sounded/VERB calm/ADJ ./PUNCT
The/DET farmers/NOUN sold/VERB vegetables/NOUN at/ADP the/DET market/NOUN ./PUNCT
He/PRON took/VERB a/DET photo/NOUN of/ADP the/DET sunset/NOUN ./PUNCT
The/DET package/NOUN arrived/VERB on/ADP Tuesday/PROPN ./PUNCT
Do/AUX you/PRON know/VERB the/DET way/NOUN ?/PUNCT
The/DET hikers/NOUN reached/VERB the/DET top/NOUN at/ADP sunrise/NOUN ./PUNCT
She/PRON poured/VERB water/NOUN into/ADP the/DET glass/NOUN ./PUNCT
The/DET noise/NOUN woke/VERB the/DET whole/ADJ family/NOUN ./PUNCT
I/PRON have/AUX already/ADV eaten/VERB lunch/NOUN ./PUNCT
The/DET kids/NOUN swam/VERB in/ADP the/DET river/NOUN all/DET afternoon/NOUN ./PUNCT
The/DET owl/NOUN hunts/VERB at/ADP night/NOUN ./PUNCT
He/PRON painted/VERB his/PRON bedroom/NOUN and/CCONJ the/DET hall/NOUN ./PUNCT
This/DET road/NOUN leads/VERB to/ADP the/DET coast/NOUN ./PUNCT
They/PRON often/ADV play/VERB chess/NOUN after/ADP school/NOUN ./PUNCT
The/DET small/ADJ boat/NOUN drifted/VERB away/ADV ./PUNCT
Julia/PROPN bakes/VERB bread/NOUN every/DET weekend/NOUN ./PUNCT
The/DET students/NOUN wrote/VERB their/PRON names/NOUN on/ADP the/DET board/NOUN ./PUNCT
It/PRON is/AUX raining/VERB again/ADV ./PUNCT
The/DET cat/NOUN sat/VERB on/ADP the/DET mat/NOUN because/SCONJ it/PRON was/AUX tired/ADJ ./PUNCT
There/PRON is/VERB a/DET spider/NOUN on/ADP the/DET wall/NOUN ./PUNCT
There/PRON are/VERB seven/NUM days/NOUN in/ADP a/DET week/NOUN ./PUNCT
The/DET Eiffel/PROPN Tower/PROPN is/AUX in/ADP Paris/PROPN ./PUNCT
Both/DET answers/NOUN are/AUX wrong/ADJ ./PUNCT
The/DET parcel/NOUN was/AUX sent/VERB yesterday/NOUN but/CCONJ it/PRON has/AUX not/PART arrived/VERB ./PUNCT
Anna/PROPN runs/VERB fast/ADV ,/PUNCT but/CCONJ Ben/PROPN runs/VERB faster/ADV ./PUNCT
Each/DET player/NOUN gets/VERB two/NUM cards/NOUN ./PUNCT
He/PRON said/VERB that/SCONJ the/DET shop/NOUN was/AUX empty/ADJ ./PUNCT
The/DET woman/NOUN who/PRON called/VERB you/PRON is/AUX my/PRON aunt/NOUN ./PUNCT
I/PRON saw/VERB the/DET film/NOUN that/PRON you/PRON recommended/VERB ./PUNCT
Wow/INTJ ,/PUNCT what/DET a/DET view/NOUN !/PUNCT
Her/PRON first/ADJ novel/NOUN sold/VERB well/ADV ./PUNCT
The/DET children/NOUN sang/VERB songs/NOUN and/CCONJ played/VERB games/NOUN ./PUNCT
Turn/VERB off/ADP the/DET lights/NOUN ,/PUNCT please/INTJ ./PUNCT
`;

/** The built-in task as labelled sentences. */
export function posDataset(): LabelledDataset {
  const sentences = TAGGED.trim()
    .split('\n')
    .map((line) => {
      const pairs = line.split(' ').map((pair) => pair.split('/'));
      return { words: pairs.map(([word]) => word), labels: pairs.map(([, tag]) => tag) };
    });
  return { task: 'pos', labels: UPOS_TAGS, sentences };
}
