"""Hand-written vocabularies for the language evaluation set (see make_language_eval.py).

Every subject is singular and third person, every predicate carries its own object, so any
subject + predicate + tail is a correct sentence; every city + title predicate a headline.
"""

from __future__ import annotations

PHRASES: dict[str, dict[str, list[str]]] = {
    "fr": {
        "cities": [
            "Lyon",
            "Rennes",
            "Nantes",
            "Strasbourg",
            "Lille",
            "Montréal",
            "Dakar",
            "Bordeaux",
            "Grenoble",
            "Genève",
        ],
        "title_predicates": [
            "inaugure une nouvelle médiathèque de quartier",
            "lance un budget participatif pour les jeunes",
            "ouvre les inscriptions aux ateliers d'été",
            "présente son plan pour des cours d'école plus vertes",
            "accueille le festival des cultures urbaines",
            "renforce l'accompagnement scolaire dans les quartiers",
            "célèbre la Journée internationale des villes éducatrices",
            "plante mille arbres autour des écoles",
            "invite les habitants à repenser la place du marché",
            "récompense les projets citoyens des lycéens",
            "crée un conseil municipal des enfants",
            "propose des cours de numérique aux seniors",
            "prolonge les pistes cyclables jusqu'aux collèges",
            "soutient les associations de quartier",
            "ouvre un espace jeunesse dans l'ancienne gare",
        ],
        "titles": [
            "Rentrée scolaire : ce qui change cette année",
            "Un été de lecture dans les parcs",
            "Les jeunes prennent la parole au conseil municipal",
            "Cantines : davantage de produits locaux et bio",
            "Nuit des musées : programme complet",
            "Appel à projets pour une ville plus inclusive",
            "Quand les élèves réinventent leur quartier",
            "Semaine de la mobilité douce : les rendez-vous",
            "Des jardins partagés au pied des immeubles",
            "Bilan de la concertation sur les rythmes scolaires",
            "Le théâtre s'invite dans les écoles primaires",
            "Vers une rentrée sans voitures devant les écoles",
        ],
        "subjects": [
            "La mairie",
            "Le service jeunesse",
            "Notre association",
            "L'école du quartier",
            "La médiathèque municipale",
            "Le conseil des enfants",
            "Chaque centre social",
            "Le collectif des parents",
            "La maison de quartier",
            "L'équipe éducative",
        ],
        "predicates": [
            "organise un atelier d'écriture pour les adolescents",
            "propose des visites guidées gratuites aux familles",
            "prépare une grande fête de fin d'année",
            "cherche des bénévoles pour l'aide aux devoirs",
            "accueille une exposition sur l'histoire de la ville",
            "invite tous les habitants à donner leur avis",
            "met en place un potager partagé",
            "présente les résultats de la consultation publique",
            "finance des projets imaginés par les jeunes",
            "ouvre ses portes aux nouveaux arrivants",
            "anime des débats sur le climat et la mobilité",
            "distribue des livres dans les parcs",
            "forme les animateurs aux premiers secours",
            "publie un guide des activités gratuites",
            "réunit les parents autour de la rentrée",
        ],
        "tails": [
            "ce samedi matin",
            "pendant les vacances scolaires",
            "tout au long de l'année",
            "à partir du mois prochain",
            "avec le soutien de la région",
            "dans plusieurs quartiers de la ville",
            "depuis le début du printemps",
            "en collaboration avec les écoles",
        ],
        "closings": [
            "L'entrée est libre.",
            "Les inscriptions sont ouvertes en ligne.",
            "Plus d'informations sur le site de la ville.",
            "Venez en famille.",
            "Les places sont limitées.",
            "Nous comptons sur votre présence.",
        ],
    },
    "es": {
        "cities": [
            "Sevilla",
            "Valencia",
            "Madrid",
            "Rosario",
            "Bogotá",
            "Zaragoza",
            "Gijón",
            "Montevideo",
            "Medellín",
            "Málaga",
        ],
        "title_predicates": [
            "inaugura una nueva biblioteca de barrio",
            "lanza un presupuesto participativo para jóvenes",
            "abre las inscripciones de los talleres de verano",
            "presenta su plan para patios escolares más verdes",
            "acoge el festival de culturas urbanas",
            "refuerza el apoyo escolar en los barrios",
            "celebra el Día Internacional de la Ciudad Educadora",
            "planta mil árboles alrededor de los colegios",
            "invita a los vecinos a repensar la plaza del mercado",
            "premia los proyectos ciudadanos del alumnado",
            "crea un consejo municipal de la infancia",
            "ofrece cursos de informática para mayores",
            "amplía los carriles bici hasta los institutos",
            "apoya a las asociaciones vecinales",
            "abre un espacio joven en la antigua estación",
        ],
        "titles": [
            "Vuelta al cole: lo que cambia este año",
            "Un verano de lectura en los parques",
            "Los jóvenes toman la palabra en el pleno municipal",
            "Comedores escolares con más productos locales",
            "Noche de los museos: programa completo",
            "Convocatoria de proyectos para una ciudad más inclusiva",
            "Cuando el alumnado reinventa su barrio",
            "Semana de la movilidad sostenible: todas las citas",
            "Huertos compartidos junto a los bloques de viviendas",
            "Balance del proceso participativo sobre los horarios escolares",
            "El teatro llega a las escuelas de primaria",
            "Hacia una vuelta al cole sin coches frente a los colegios",
        ],
        "subjects": [
            "El ayuntamiento",
            "La concejalía de juventud",
            "Nuestra asociación",
            "La escuela del barrio",
            "La biblioteca municipal",
            "El consejo de la infancia",
            "Cada centro cívico",
            "La asociación de familias",
            "La casa de cultura",
            "El equipo educativo",
        ],
        "predicates": [
            "organiza un taller de escritura para adolescentes",
            "ofrece visitas guiadas gratuitas a las familias",
            "prepara una gran fiesta de fin de curso",
            "busca voluntarios para el refuerzo escolar",
            "acoge una exposición sobre la historia de la ciudad",
            "invita a todos los vecinos a dar su opinión",
            "pone en marcha un huerto comunitario",
            "presenta los resultados de la consulta pública",
            "financia proyectos ideados por los jóvenes",
            "abre sus puertas a las familias recién llegadas",
            "anima debates sobre el clima y la movilidad",
            "reparte libros en los parques",
            "forma a los monitores en primeros auxilios",
            "publica una guía de actividades gratuitas",
            "reúne a las familias antes del inicio de curso",
        ],
        "tails": [
            "este sábado por la mañana",
            "durante las vacaciones escolares",
            "a lo largo de todo el año",
            "a partir del mes que viene",
            "con el apoyo de la comunidad autónoma",
            "en varios barrios de la ciudad",
            "desde el comienzo de la primavera",
            "en colaboración con los colegios",
        ],
        "closings": [
            "La entrada es libre.",
            "Las inscripciones ya están abiertas en la web.",
            "Más información en la página del ayuntamiento.",
            "Venid en familia.",
            "Las plazas son limitadas.",
            "Contamos con vuestra presencia.",
        ],
    },
    "en": {
        "cities": [
            "Adelaide",
            "Glasgow",
            "Dublin",
            "Toronto",
            "Bristol",
            "Leeds",
            "Melbourne",
            "Cardiff",
            "Boston",
            "Auckland",
        ],
        "title_predicates": [
            "opens a new neighbourhood library",
            "launches a participatory budget for young people",
            "opens registration for summer workshops",
            "unveils its plan for greener school playgrounds",
            "hosts the festival of urban cultures",
            "expands after-school tutoring in every district",
            "celebrates the International Day of Educating Cities",
            "plants a thousand trees around its schools",
            "asks residents to reimagine the market square",
            "rewards civic projects led by secondary students",
            "sets up a children's city council",
            "offers free digital skills classes for older residents",
            "extends its cycle lanes to secondary schools",
            "backs local community groups with new grants",
            "turns the old railway station into a youth hub",
        ],
        "titles": [
            "Back to school: what changes this year",
            "A summer of reading in the parks",
            "Young people speak up at the city council",
            "School meals get more local and organic food",
            "Museums at night: the full programme",
            "Call for projects for a more inclusive city",
            "When pupils redesign their own neighbourhood",
            "Active travel week: all the events",
            "Shared gardens at the foot of the tower blocks",
            "What we learned from the consultation on school hours",
            "Theatre comes to primary schools",
            "Towards car-free streets outside every school",
        ],
        "subjects": [
            "The city council",
            "The youth service",
            "Our association",
            "The local school",
            "The public library",
            "The children's council",
            "Every community centre",
            "The parents' group",
            "The neighbourhood hall",
            "The teaching team",
        ],
        "predicates": [
            "runs a creative writing workshop for teenagers",
            "offers free guided tours to families",
            "is planning a big end-of-year party",
            "is looking for volunteers to help with homework",
            "hosts an exhibition on the history of the city",
            "invites all residents to share their views",
            "is setting up a shared vegetable garden",
            "presents the results of the public consultation",
            "funds projects designed by young people",
            "opens its doors to newly arrived families",
            "leads debates on climate and transport",
            "hands out free books in the parks",
            "trains youth workers in first aid",
            "publishes a guide to free activities",
            "brings parents together before the new school year",
        ],
        "tails": [
            "this Saturday morning",
            "during the school holidays",
            "throughout the year",
            "starting next month",
            "with support from the regional government",
            "in several parts of the city",
            "since the beginning of spring",
            "together with local schools",
        ],
        "closings": [
            "Entry is free.",
            "Registration is now open online.",
            "More details are on the city website.",
            "Bring the whole family.",
            "Places are limited.",
            "We look forward to seeing you there.",
        ],
    },
    "pt": {
        "cities": [
            "Lisboa",
            "Porto",
            "Braga",
            "Coimbra",
            "Curitiba",
            "Évora",
            "Santos",
            "Sorocaba",
            "Guimarães",
            "Belo Horizonte",
        ],
        "title_predicates": [
            "inaugura uma nova biblioteca de bairro",
            "lança um orçamento participativo para os jovens",
            "abre as inscrições para as oficinas de verão",
            "apresenta o seu plano para recreios escolares mais verdes",
            "recebe o festival de culturas urbanas",
            "reforça o apoio escolar nos bairros",
            "celebra o Dia Internacional da Cidade Educadora",
            "planta mil árvores à volta das escolas",
            "convida os moradores a repensar a praça do mercado",
            "premeia os projetos cidadãos dos estudantes",
            "cria um conselho municipal das crianças",
            "oferece cursos de informática para idosos",
            "alarga as ciclovias até às escolas secundárias",
            "apoia as associações de moradores",
            "abre um espaço jovem na antiga estação de comboios",
        ],
        "titles": [
            "Regresso às aulas: o que muda este ano",
            "Um verão de leitura nos jardins",
            "Os jovens tomam a palavra na assembleia municipal",
            "Cantinas escolares com mais produtos locais",
            "Noite dos museus: programa completo",
            "Candidaturas abertas para uma cidade mais inclusiva",
            "Quando os alunos reinventam o seu bairro",
            "Semana da mobilidade sustentável: todas as atividades",
            "Hortas partilhadas junto aos prédios",
            "Balanço da consulta pública sobre os horários escolares",
            "O teatro chega às escolas do primeiro ciclo",
            "Rumo a um regresso às aulas sem carros à porta das escolas",
        ],
        "subjects": [
            "A câmara municipal",
            "O pelouro da juventude",
            "A nossa associação",
            "A escola do bairro",
            "A biblioteca municipal",
            "O conselho das crianças",
            "Cada centro comunitário",
            "A associação de pais",
            "A casa da cultura",
            "A equipa pedagógica",
        ],
        "predicates": [
            "organiza uma oficina de escrita para adolescentes",
            "oferece visitas guiadas gratuitas às famílias",
            "prepara uma grande festa de fim de ano letivo",
            "procura voluntários para o apoio aos trabalhos de casa",
            "recebe uma exposição sobre a história da cidade",
            "convida todos os moradores a dar a sua opinião",
            "está a criar uma horta comunitária",
            "apresenta os resultados da consulta pública",
            "financia projetos pensados pelos jovens",
            "abre as suas portas às famílias recém-chegadas",
            "promove debates sobre o clima e a mobilidade",
            "distribui livros nos jardins públicos",
            "dá formação em primeiros socorros aos monitores",
            "publica um guia de atividades gratuitas",
            "junta os pais antes do início do ano letivo",
        ],
        "tails": [
            "neste sábado de manhã",
            "durante as férias escolares",
            "ao longo de todo o ano",
            "a partir do próximo mês",
            "com o apoio do governo regional",
            "em vários bairros da cidade",
            "desde o início da primavera",
            "em parceria com as escolas",
        ],
        "closings": [
            "A entrada é livre.",
            "As inscrições já estão abertas no site.",
            "Mais informações no portal da câmara.",
            "Venham em família.",
            "Os lugares são limitados.",
            "Contamos com a vossa presença.",
        ],
    },
    "ca": {
        "cities": [
            "Barcelona",
            "Girona",
            "Lleida",
            "Tarragona",
            "Reus",
            "Granollers",
            "Sabadell",
            "Terrassa",
            "Vic",
            "Mataró",
        ],
        "title_predicates": [
            "inaugura una nova biblioteca de barri",
            "llança un pressupost participatiu per als joves",
            "obre les inscripcions dels tallers d'estiu",
            "presenta el seu pla per a patis escolars més verds",
            "acull el festival de cultures urbanes",
            "reforça el suport escolar als barris",
            "celebra el Dia Internacional de la Ciutat Educadora",
            "planta mil arbres al voltant de les escoles",
            "convida el veïnat a repensar la plaça del mercat",
            "premia els projectes ciutadans de l'alumnat",
            "crea un consell municipal d'infants",
            "ofereix cursos d'informàtica per a la gent gran",
            "allarga els carrils bici fins als instituts",
            "dona suport a les entitats del barri",
            "obre un espai jove a l'antiga estació",
        ],
        "titles": [
            "Tornada a l'escola: què canvia aquest curs",
            "Un estiu de lectura als parcs",
            "Els joves prenen la paraula al ple municipal",
            "Menjadors escolars amb més productes de proximitat",
            "Nit dels museus: programa complet",
            "Convocatòria de projectes per a una ciutat més inclusiva",
            "Quan l'alumnat reinventa el seu barri",
            "Setmana de la mobilitat sostenible: totes les activitats",
            "Horts compartits al peu dels blocs de pisos",
            "Balanç del procés participatiu sobre els horaris escolars",
            "El teatre arriba a les escoles de primària",
            "Cap a una tornada a l'escola sense cotxes davant dels centres",
        ],
        "subjects": [
            "L'ajuntament",
            "La regidoria de joventut",
            "La nostra associació",
            "L'escola del barri",
            "La biblioteca municipal",
            "El consell d'infants",
            "Cada centre cívic",
            "L'associació de famílies",
            "La casa de cultura",
            "L'equip educatiu",
        ],
        "predicates": [
            "organitza un taller d'escriptura per a adolescents",
            "ofereix visites guiades gratuïtes a les famílies",
            "prepara una gran festa de final de curs",
            "busca voluntaris per al reforç escolar",
            "acull una exposició sobre la història de la ciutat",
            "convida tot el veïnat a donar la seva opinió",
            "posa en marxa un hort comunitari",
            "presenta els resultats de la consulta pública",
            "finança projectes pensats pels joves",
            "obre les seves portes a les famílies nouvingudes",
            "dinamitza debats sobre el clima i la mobilitat",
            "reparteix llibres als parcs",
            "forma els monitors en primers auxilis",
            "publica una guia d'activitats gratuïtes",
            "reuneix les famílies abans de l'inici del curs",
        ],
        "tails": [
            "aquest dissabte al matí",
            "durant les vacances escolars",
            "al llarg de tot l'any",
            "a partir del mes vinent",
            "amb el suport de la Generalitat",
            "en diversos barris de la ciutat",
            "des del començament de la primavera",
            "en col·laboració amb les escoles",
        ],
        "closings": [
            "L'entrada és lliure.",
            "Les inscripcions ja són obertes al web.",
            "Més informació a la pàgina de l'ajuntament.",
            "Veniu en família.",
            "Les places són limitades.",
            "Comptem amb la vostra presència.",
        ],
    },
    "it": {
        "cities": [
            "Torino",
            "Bologna",
            "Genova",
            "Milano",
            "Pesaro",
            "Ravenna",
            "Bergamo",
            "Brescia",
            "Trento",
            "Padova",
        ],
        "title_predicates": [
            "inaugura una nuova biblioteca di quartiere",
            "lancia un bilancio partecipativo per i giovani",
            "apre le iscrizioni ai laboratori estivi",
            "presenta il suo piano per cortili scolastici più verdi",
            "ospita il festival delle culture urbane",
            "rafforza il sostegno scolastico nei quartieri",
            "celebra la Giornata internazionale della Città Educativa",
            "pianta mille alberi intorno alle scuole",
            "invita i cittadini a ripensare la piazza del mercato",
            "premia i progetti civici degli studenti",
            "istituisce un consiglio comunale dei ragazzi",
            "offre corsi di informatica per gli anziani",
            "prolunga le piste ciclabili fino alle scuole superiori",
            "sostiene le associazioni di quartiere",
            "apre uno spazio giovani nella vecchia stazione",
        ],
        "titles": [
            "Ritorno a scuola: cosa cambia quest'anno",
            "Un'estate di lettura nei parchi",
            "I giovani prendono la parola in consiglio comunale",
            "Mense scolastiche con più prodotti a chilometro zero",
            "La notte dei musei: il programma completo",
            "Bando per progetti per una città più inclusiva",
            "Quando gli studenti reinventano il loro quartiere",
            "Settimana della mobilità sostenibile: tutti gli appuntamenti",
            "Orti condivisi ai piedi dei palazzi",
            "Il bilancio della consultazione sugli orari scolastici",
            "Il teatro entra nelle scuole primarie",
            "Verso strade senza auto davanti alle scuole",
        ],
        "subjects": [
            "Il comune",
            "L'assessorato alle politiche giovanili",
            "La nostra associazione",
            "La scuola del quartiere",
            "La biblioteca civica",
            "Il consiglio dei ragazzi",
            "Ogni centro civico",
            "Il comitato dei genitori",
            "La casa di quartiere",
            "Il gruppo degli insegnanti",
        ],
        "predicates": [
            "organizza un laboratorio di scrittura per adolescenti",
            "offre visite guidate gratuite alle famiglie",
            "prepara una grande festa di fine anno",
            "cerca volontari per l'aiuto compiti",
            "ospita una mostra sulla storia della città",
            "invita tutti i cittadini a dire la loro",
            "avvia un orto condiviso",
            "presenta i risultati della consultazione pubblica",
            "finanzia progetti ideati dai giovani",
            "apre le sue porte alle famiglie appena arrivate",
            "promuove dibattiti sul clima e sulla mobilità",
            "distribuisce libri nei parchi",
            "forma gli educatori al primo soccorso",
            "pubblica una guida alle attività gratuite",
            "riunisce i genitori prima dell'inizio della scuola",
        ],
        "tails": [
            "questo sabato mattina",
            "durante le vacanze scolastiche",
            "per tutto l'anno",
            "a partire dal mese prossimo",
            "con il sostegno della regione",
            "in diversi quartieri della città",
            "dall'inizio della primavera",
            "in collaborazione con le scuole",
        ],
        "closings": [
            "L'ingresso è libero.",
            "Le iscrizioni sono aperte online.",
            "Maggiori informazioni sul sito del comune.",
            "Venite con tutta la famiglia.",
            "I posti sono limitati.",
            "Contiamo sulla vostra presenza.",
        ],
    },
}

# Two-word replies people send in a chat, written one by one.
CHATS: dict[str, list[str]] = {
    "fr": """Merci beaucoup|Avec plaisir|Très bien|Bien reçu|C'est noté|Bonne idée|Pas encore|
Moi aussi|Je viens|Je participe|À demain|À bientôt|Bonne journée|Bonne soirée|Bon courage|
Bien sûr|Pas possible|Tout compris|Je confirme|Parfait, merci|Super, merci|D'accord, merci|
Oui, volontiers|Non merci|Pourquoi pas|Peut-être demain|Pas maintenant|Trop bien|Quelle heure?|
C'est où?|Ça marche|Ça va|Très intéressant|Vraiment génial|Bonne nouvelle|Excellente initiative|
Je m'inscris|Inscription faite|Je réfléchis|On verra|Je passe|Merci infiniment|Bravo l'équipe|
Félicitations, vraiment|Complètement d'accord|Pas d'accord|Plutôt lundi|Plutôt mardi|Ce soir|
Demain matin|Cet après-midi|Pas sûr|Aucune idée|Bonne question|Je regarde|Je transmets|
Lien reçu|Document envoyé|Message reçu|C'est fait|Déjà fait|Rien reçu|Toujours rien|Je réessaie|
Ça fonctionne|Ça bloque|Je comprends|Je valide|Je vote|J'arrive bientôt|Bien joué|Chapeau bas|
Quelle chance|Quel dommage|Tant pis|Tant mieux|Pas grave|Aucun problème|Pas question|
Absolument pas|Évidemment, oui|Bonjour Madame|Bonsoir Monsieur|Salut l'équipe|Merci Madame|
Bonne chance|Bon appétit|Bonnes vacances|Joyeux anniversaire|Bon week-end|Entièrement d'accord|
Excellente nouvelle|Désolé, vraiment|Quelle surprise|Très touchant|Vachement bien|Pas mal|
J'adore ça|Je signe|Je partage|C'est parti|On arrive|Deux places|C'est gratuit?|Je compte|
Volontiers, merci|Chouette alors""".replace("\n", "").split("|"),
    "es": """Muchas gracias|Con gusto|Muy bien|Bien recibido|Buena idea|Todavía no|Yo también|
Yo tampoco|Ahí estaré|Me apunto|Hasta mañana|Hasta pronto|Buenos días|Buenas tardes|
Buenas noches|Mucho ánimo|Por supuesto|Claro, gracias|Perfecto, gracias|Genial, gracias|
Vale, gracias|No, gracias|¿Por qué?|Quizás mañana|Ahora no|Qué bien|Qué guay|¿Qué hora?|
¿Dónde es?|Me encanta|Muy interesante|Realmente genial|Buenas noticias|Excelente iniciativa|
Inscrito, gracias|Inscripción hecha|Lo pienso|Ya veremos|Paso luego|Mil gracias|Enhorabuena, equipo|
Felicidades, chicos|Totalmente cierto|De acuerdo|Mejor lunes|Mejor martes|Esta noche|
Mañana temprano|No sé|Ni idea|Buena pregunta|Lo miro|Lo reenvío|Enlace recibido|
Mensaje recibido|Ya está|Hecho, gracias|No llegó|Sigue igual|Lo intento|Ya funciona|Lo entiendo|
Lo confirmo|Ya voté|Ya llego|Bien hecho|Qué suerte|Qué pena|Qué lástima|Ni modo|Mejor así|
No importa|Ningún problema|Ni hablar|Desde luego|Para nada|Obviamente sí|Hola, señora|
Gracias, señor|Hola equipo|Hola chicos|Buena suerte|Buen provecho|Felices vacaciones|
Feliz cumpleaños|Buen finde|Excelente noticia|Lo siento|Disculpe usted|Qué sorpresa|
Muy emocionante|Qué bonito|Mola mucho|Nada mal|Me encargo|Ya firmé|Lo comparto|
¡Vamos allá!|Allí estaremos|Dos plazas|¿Cuánto cuesta?|¿Es gratis?|Apúntame también|
Cuenta conmigo|Muchísimas gracias|Vale, perfecto|Qué ilusión""".replace("\n", "").split("|"),
    "en": """Many thanks|Thank you|Sounds good|Got it|Good idea|Not yet|Me too|I'm in|See you|
Great news|Well done|Sure thing|No thanks|Why not|Maybe tomorrow|Not now|How lovely|What time?|
Where exactly?|Very interesting|Really cool|Excellent initiative|Just registered|
Registration done|Let's see|Thanks heaps|Congrats everyone|Totally agree|I disagree|
Prefer Monday|Tonight works|Tomorrow morning|This afternoon|Not sure|No idea|Good question|
I'll check|Forwarding now|Link received|Document sent|Message received|All done|Already done|
Nothing arrived|Still nothing|Trying again|It works|Still broken|I understand|Confirmed, thanks|
I voted|Vote sent|Nearly there|Good job|Lucky you|Shame, really|Too bad|Even better|No worries|
No problem|No way|Absolutely not|Absolutely brilliant|Of course|Yes please|Hello everyone|
Hi team|Good morning|Good evening|Good night|Good luck|Enjoy lunch|Happy holidays|Happy birthday|
Have fun|How exciting|So sweet|Pretty good|Not bad|Love it|Leave it|I'll sign|Sharing now|
Shared, thanks|Let's go|We're coming|Two seats|How much?|Free entry?|Cheers mate|
Brilliant, thanks|Lovely stuff|Fair enough|Makes sense|Definitely yes|Happy to|Will do|
Noted, thanks|Can't wait|Looking forward|Talk soon|Sounds great|Thanks again|Great work|
Nice one|Very helpful|Right away""".replace("\n", "").split("|"),
    "pt": """Muito obrigado|Muito obrigada|Com prazer|Muito bem|Bem recebido|Boa ideia|Ainda não|
Eu também|Nem eu|Estarei lá|Conta comigo|Até amanhã|Até logo|Bom dia|Boa tarde|Boa noite|
Força aí|Com certeza|Claro, obrigado|Perfeito, obrigada|Ótimo, obrigado|Não, obrigada|
Por quê?|Talvez amanhã|Agora não|Que bom|Que legal|Que horas?|Onde fica?|Adorei, obrigada|
Muito interessante|Realmente incrível|Boas notícias|Ótima iniciativa|Inscrevi-me já|
Inscrição feita|Vou pensar|Vamos ver|Passo depois|Muitíssimo obrigado|Parabéns, pessoal|
Parabéns, equipa|Concordo totalmente|Discordo totalmente|Melhor segunda|Melhor terça|
Amanhã cedo|Não sei|Nenhuma ideia|Boa pergunta|Vou ver|Reencaminho já|Link recebido|
Mensagem recebida|Já está|Já fiz|Nada chegou|Continua igual|Vou tentar|Não funciona|
Entendi, obrigado|Confirmo presença|Já votei|Votei agora|Estou chegando|Bom trabalho|Que sorte|
Tanto faz|Ainda melhor|Sem problema|Nem pensar|Óbvio, sim|Olá pessoal|Oi gente|Olá equipa|
Obrigado, senhor|Boa sorte|Bom apetite|Boas férias|Feliz aniversário|Bom fim-de-semana|
Tudo certo|Tudo bem|Beleza pura|Excelente notícia|Desculpa mesmo|Peço desculpa|Que surpresa|
Muito emocionante|Que lindo|Adoro isso|Nada mau|Deixa comigo|Já assinei|Vou partilhar|
Partilhado, obrigado|Vamos lá|Dois lugares|Quanto custa?|É gratuito?|Inscreve-me também|
Fico feliz|Combinado então|Está combinado|Pode ser|Vou sim|Não posso|Infelizmente não|
Muito fixe|Obrigadão, gente""".replace("\n", "").split("|"),
    "ca": """Moltes gràcies|Amb gust|Molt bé|Ben rebut|Bona idea|Encara no|Jo també|Jo tampoc|
Hi seré|M'apunto també|Fins demà|Fins aviat|Bon dia|Bona tarda|Bona nit|Molts ànims|
Per descomptat|Perfecte, gràcies|Genial, gràcies|D'acord, gràcies|No, gràcies|Per què?|
Potser demà|Ara no|Que bé|Quina gràcia|Quina hora?|On és?|M'encanta, gràcies|Molt interessant|
Realment genial|Bones notícies|Excel·lent iniciativa|Inscripció feta|M'ho pensaré|Ja veurem|
Passo després|Mil gràcies|Enhorabona, equip|Felicitats, nois|Totalment d'acord|Gens d'acord|
Millor dilluns|Millor dimarts|Aquesta nit|Demà d'hora|Aquesta tarda|Cap idea|Bona pregunta|
Ho miro|Ho reenvio|Enllaç rebut|Document enviat|Missatge rebut|Ja està|Fet, gràcies|
Res rebut|Segueix igual|Ho intento|Ara funciona|Ho entenc|Ho confirmo|He votat|Vot enviat|
Ja arribo|Ben fet|Quina sort|Quina pena|Quina llàstima|Tant és|Millor així|Cap problema|
Ni parlar-ne|És clar|Òbviament sí|Hola, senyora|Gràcies, senyor|Hola equip|Hola nois|
Bona sort|Bon profit|Bones vacances|Feliç aniversari|Bona setmana|Totalment cert|
Excel·lent notícia|Ho sento|Perdoni, senyor|Quina sorpresa|Molt emocionant|Que bonic|Mola molt|
Gens malament|M'hi apunto|Me n'encarrego|Signat, gràcies|Ho comparteixo|Compartit, gràcies|
Som-hi, equip|Ja venim|Dues places|Quant costa?|És gratuït?|Apunta'm també|Fantàstic, gràcies|
Endavant doncs|Ens veiem|Fins després|Quina il·lusió|Molt agraïda|Estem preparats""".replace(
        "\n", ""
    ).split("|"),
    "it": """Grazie mille|Con piacere|Molto bene|Ben ricevuto|Buona idea|Non ancora|Anche io|
Nemmeno io|Ci sarò|Mi iscrivo|A domani|A presto|Buongiorno ragazzi|Buon pomeriggio|Buona serata|
Buonanotte ragazzi|Forza ragazzi|Certo, grazie|Perfetto, grazie|Ottimo, grazie|Va bene|
No, grazie|Perché no?|Forse domani|Non adesso|Che bello|Che figata|Quale orario?|
Dove esattamente?|Mi piace|Molto interessante|Davvero fantastico|Ottime notizie|Ottima iniziativa|
Già iscritto|Iscrizione fatta|Ci penso|Vedremo, grazie|Passo dopo|Grazie infinite|
Complimenti ragazzi|Congratulazioni davvero|Sono d'accordo|Per niente|Meglio lunedì|
Meglio martedì|Stasera, perfetto|Domattina presto|Oggi pomeriggio|Non so|Nessuna idea|
Bella domanda|Ci guardo|Lo inoltro|Link ricevuto|Documento inviato|Messaggio ricevuto|
Fatto, grazie|Già fatto|Ancora niente|Riprovo subito|Ora funziona|Non funziona|Capisco, grazie|
Confermo, grazie|Ho votato|Voto inviato|Sto arrivando|Ben fatto|Che fortuna|Che peccato|
Pazienza allora|Meglio così|Nessun problema|Assolutamente no|Ovviamente sì|Buongiorno signora|
Grazie signore|Ciao ragazzi|Ciao squadra|Buona fortuna|Buon appetito|Buone vacanze|
Buon compleanno|Buon weekend|Assolutamente vero|Ottima notizia|Mi dispiace|Scusa tanto|
Che sorpresa|Molto emozionante|Che carino|Niente male|Lo adoro|Firmato, grazie|Lo condivido|
Condiviso, grazie|Andiamo allora|Arriviamo subito|Due posti|Quanto costa?|È gratuito?|
Iscrivimi, grazie|Certo, arrivo|Volentieri, grazie|D'accordo allora|Senz'altro, grazie|
Magari domani|Ci vediamo|A dopo|Splendida iniziativa|Evviva, finalmente""".replace("\n", "").split(
        "|"
    ),
}
